// Package fakes holds faithful fakes of the chat platforms' APIs for tests:
// they check signatures and tokens, enforce the documented limits, record
// every call, and send correctly signed callbacks to the service.
package fakes
