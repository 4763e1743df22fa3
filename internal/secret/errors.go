package secret

import "errors"

// Errors callers test with errors.Is. None of them ever carries key material
// or plaintext.
var (
	// ErrInvalidKeyring: the key specification cannot be used.
	ErrInvalidKeyring = errors.New("invalid keyring")
	// ErrUnknownKey: the value was sealed with a key id this keyring lacks,
	// usually an old key dropped from the configuration too early.
	ErrUnknownKey = errors.New("unknown key id")
	// ErrTampered: the value does not authenticate, because it was changed
	// or was sealed under a different key that has the same id.
	ErrTampered = errors.New("sealed value does not authenticate")
	// ErrMalformed: the value is not something Seal produces.
	ErrMalformed = errors.New("malformed sealed value")
)
