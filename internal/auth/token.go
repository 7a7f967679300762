package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Secret prefixes make leaked secrets easy to recognise and scan for.
const (
	TokenPrefix   = "hst_"
	SessionPrefix = "hss_"
)

// NewToken returns a fresh API token secret (hst_ followed by 32 random bytes
// in unpadded base64url) and the hex SHA-256 hash to store.
func NewToken() (secret, hash string) { return newSecret(TokenPrefix) }

// NewSessionSecret returns a fresh session cookie secret and the hash to store.
func NewSessionSecret() (secret, hash string) { return newSecret(SessionPrefix) }

// HashToken returns the hex SHA-256 of a token or session secret. Secrets
// carry 256 random bits, so a fast hash is enough (no salt or stretching).
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// LooksLikeToken reports whether s has the shape of an API token secret.
func LooksLikeToken(s string) bool { return wellFormed(s, TokenPrefix) }

// LooksLikeSession reports whether s has the shape of a session secret.
func LooksLikeSession(s string) bool { return wellFormed(s, SessionPrefix) }

// RandomString returns n random bytes in unpadded base64url (for CSRF tokens).
func RandomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

func newSecret(prefix string) (string, string) {
	secret := prefix + RandomString(32)
	return secret, HashToken(secret)
}

func wellFormed(s, prefix string) bool {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil && len(b) == 32
}
