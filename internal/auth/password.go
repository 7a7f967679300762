// Package auth holds Hindsight's credential primitives: argon2id password
// hashes and random secrets for API tokens and browser sessions. Only hashes
// of secrets are ever stored.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// MinPasswordLen is the shortest password accepted, counted in characters.
const MinPasswordLen = 10

// MaxPasswordLen bounds the work one hash costs; longer input is refused.
const MaxPasswordLen = 1024

// ErrPasswordTooShort is returned by HashPassword for passwords under MinPasswordLen characters.
var ErrPasswordTooShort = fmt.Errorf("auth: password must be at least %d characters", MinPasswordLen)

// ErrPasswordTooLong is returned by HashPassword for passwords over MaxPasswordLen bytes.
var ErrPasswordTooLong = fmt.Errorf("auth: password must be at most %d bytes", MaxPasswordLen)

// Params are the argon2id cost parameters. The defaults follow RFC 9106's
// second recommended option (64 MiB, 3 passes) scaled to one lane per core.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams are used by HashPassword.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// limits on parameters read back from a stored hash, so a tampered hash
// cannot make a sign-in allocate gigabytes.
const (
	maxMemory  = 1 << 20 // 1 GiB in KiB
	maxTime    = 20
	maxKeyLen  = 128
	maxSaltLen = 128
)

// HashPassword returns a PHC-style argon2id hash of pw:
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<key> (unpadded standard base64).
func HashPassword(pw string) (string, error) {
	return HashPasswordParams(pw, DefaultParams)
}

// HashPasswordParams is HashPassword with explicit parameters (tests use cheap ones).
func HashPasswordParams(pw string, p Params) (string, error) {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return "", ErrPasswordTooShort
	}
	if len(pw) > MaxPasswordLen {
		return "", ErrPasswordTooLong
	}
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.SaltLen < 8 || p.KeyLen < 16 {
		return "", errors.New("auth: invalid argon2id parameters")
	}
	salt := make([]byte, p.SaltLen)
	defer acquire()()
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: read salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches hash, comparing in constant time.
// A malformed hash never matches.
func CheckPassword(hash, pw string) bool {
	p, salt, key, err := decodeHash(hash)
	if err != nil || len(pw) > MaxPasswordLen {
		return false
	}
	defer acquire()()
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// slots bounds how many hashes run at once: each holds Memory KiB (64 MiB
// by default), so a burst of sign-ins queues instead of exhausting memory.
var slots = make(chan struct{}, max(2, runtime.NumCPU()))

// acquire takes a slot and returns the function that gives it back.
func acquire() func() {
	slots <- struct{}{}
	return func() { <-slots }
}

// dummyHash is checked against when a sign-in names an unknown user, so the
// answer takes as long as for a known one.
// It is made lazily so importing the package costs nothing.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("hindsight-dummy-password")
	if err != nil {
		panic(err) // cannot happen: the constant is long enough
	}
	return h
})

// CheckDummy spends the time of one CheckPassword with default parameters and
// always reports false. Call it when the user does not exist.
func CheckDummy(pw string) bool {
	CheckPassword(dummyHash(), pw)
	return false
}

// NeedsRehash reports whether hash was made with parameters other than DefaultParams.
func NeedsRehash(hash string) bool {
	p, salt, key, err := decodeHash(hash)
	if err != nil {
		return true
	}
	return p.Memory != DefaultParams.Memory || p.Time != DefaultParams.Time ||
		p.Threads != DefaultParams.Threads || uint32(len(salt)) != DefaultParams.SaltLen ||
		uint32(len(key)) != DefaultParams.KeyLen
}

func decodeHash(hash string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(hash, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("auth: not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errors.New("auth: unsupported argon2 version")
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil || n != 3 {
		return p, nil, nil, errors.New("auth: malformed argon2id parameters")
	}
	if p.Memory == 0 || p.Memory > maxMemory || p.Time == 0 || p.Time > maxTime || threads == 0 || threads > 255 {
		return p, nil, nil, errors.New("auth: argon2id parameters out of range")
	}
	p.Threads = uint8(threads)
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > maxSaltLen {
		return p, nil, nil, errors.New("auth: malformed salt")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > maxKeyLen {
		return p, nil, nil, errors.New("auth: malformed key")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
