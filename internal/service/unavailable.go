package service

import "github.com/jiesu/jiesu/internal/store"

// Unavailable reports whether err means the database could not be reached
// or went away, as against a request it refused: the request may succeed
// if retried shortly. Front ends ask here so that only the service knows
// which storage it runs on.
func Unavailable(err error) bool { return store.Unavailable(err) }
