package auth

import (
	"errors"
	"strings"
	"testing"
)

var cheap = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q is not PHC argon2id with default params", h)
	}
	if !CheckPassword(h, "correct horse battery") {
		t.Fatal("right password rejected")
	}
	if CheckPassword(h, "correct horse batterY") {
		t.Fatal("wrong password accepted")
	}
	if NeedsRehash(h) {
		t.Fatal("fresh default hash reported as needing a rehash")
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of the same password are equal: salt not random")
	}
}

func TestHashPasswordRejects(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		want error
	}{
		{"empty", "", ErrPasswordTooShort},
		{"nine", "123456789", ErrPasswordTooShort},
		{"nine runes in more bytes", "ääääääääà", ErrPasswordTooShort},
		{"too long", strings.Repeat("x", MaxPasswordLen+1), ErrPasswordTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := HashPasswordParams(tt.pw, cheap); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := HashPasswordParams("ten chars!", cheap); err != nil {
		t.Fatalf("exactly ten characters rejected: %v", err)
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	good, err := HashPasswordParams("long enough pw", cheap)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	tests := []struct{ name, hash string }{
		{"empty", ""},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuv"},
		{"argon2i", strings.Replace(good, "argon2id", "argon2i", 1)},
		{"wrong version", strings.Replace(good, "v=19", "v=16", 1)},
		{"huge memory", "$argon2id$v=19$m=99999999,t=1,p=1$" + parts[4] + "$" + parts[5]},
		{"zero time", "$argon2id$v=19$m=64,t=0,p=1$" + parts[4] + "$" + parts[5]},
		{"bad salt", "$argon2id$v=19$m=64,t=1,p=1$!!!$" + parts[5]},
		{"short key", "$argon2id$v=19$m=64,t=1,p=1$" + parts[4] + "$AAAA"},
		{"extra field", good + "$x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if CheckPassword(tt.hash, "long enough pw") {
				t.Fatal("malformed hash matched")
			}
			if !NeedsRehash(tt.hash) {
				t.Fatal("malformed hash not reported as needing a rehash")
			}
		})
	}
	if !CheckPassword(good, "long enough pw") {
		t.Fatal("control: good hash rejected")
	}
	if !NeedsRehash(good) {
		t.Fatal("cheap-params hash not reported as needing a rehash")
	}
}

func TestCheckDummy(t *testing.T) {
	if CheckDummy("hindsight-dummy-password") {
		t.Fatal("CheckDummy must always be false")
	}
}

func TestNewToken(t *testing.T) {
	secret, hash := NewToken()
	if !strings.HasPrefix(secret, "hst_") || !LooksLikeToken(secret) {
		t.Fatalf("secret %q has the wrong shape", secret)
	}
	if len(secret) != 4+43 {
		t.Fatalf("secret length %d, want 47", len(secret))
	}
	if hash != HashToken(secret) || len(hash) != 64 {
		t.Fatalf("hash %q does not match HashToken", hash)
	}
	if strings.Contains(hash, secret[4:]) {
		t.Fatal("hash contains the secret")
	}
	other, _ := NewToken()
	if other == secret {
		t.Fatal("two tokens are equal")
	}
	s2, h2 := NewSessionSecret()
	if !LooksLikeSession(s2) || LooksLikeToken(s2) || HashToken(s2) != h2 {
		t.Fatalf("session secret %q has the wrong shape", s2)
	}
	for _, bad := range []string{"", "hst_", "hst_short", "Bearer " + secret, secret + "x", "hss_" + secret[4:]} {
		if LooksLikeToken(bad) {
			t.Errorf("LooksLikeToken(%q) = true", bad)
		}
	}
	// A known vector: SHA-256 of "abc".
	if got := HashToken("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("HashToken(abc) = %s", got)
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("benchmark password"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestConcurrentHashesAreBounded(t *testing.T) {
	h, err := HashPasswordParams("long enough pw", cheap)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	for range 4 * cap(slots) {
		go func() { done <- CheckPassword(h, "long enough pw") }()
	}
	for range 4 * cap(slots) {
		if !<-done {
			t.Fatal("check failed under concurrency")
		}
	}
	if len(slots) != 0 {
		t.Fatalf("%d slots leaked", len(slots))
	}
}
