package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// InstanceID names this installation in identifiers that must outlive a
// change of its public address, such as calendar event UIDs. It is derived
// from the link secret kept in the database, so every app instance of one
// installation agrees on it and two installations differ.
func (a *App) InstanceID() string {
	if len(a.Site.Signer.Key) == 0 {
		return "consortia"
	}
	mac := hmac.New(sha256.New, a.Site.Signer.Key)
	mac.Write([]byte("instance-id"))
	return hex.EncodeToString(mac.Sum(nil)[:8])
}
