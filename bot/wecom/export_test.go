package wecom

// The official vectors, for the external tests.
const (
	VecToken       = vecToken
	VecCorpID      = vecCorpID
	VecAESKey      = vecAESKey
	VecVerifySig   = vecVerifySig
	VecVerifyTS    = vecVerifyTS
	VecVerifyNonce = vecVerifyNonce
	VecEchoStr     = vecEchoStr
	VecEchoPlain   = vecEchoPlain
)
