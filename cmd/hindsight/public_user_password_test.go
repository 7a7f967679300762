package main

import (
	"strings"
	"testing"
)

// TestUserAddRefusesWeakPasswords: the CLI applies the server's password
// rules (web.CheckNewPassword): a common password or the email is refused
// and no user is made.
func TestUserAddRefusesWeakPasswords(t *testing.T) {
	data := []string{"--data", t.TempDir()}
	for _, pw := range []string{"password123", "QWERTYUIOP", "weak.pw@example.com"} {
		r := cli(t, nil, pw+"\n", append(data, "user", "add", "--email", "weak.pw@example.com", "--role", "admin", "--password-stdin")...)
		if r.code != 1 || !strings.Contains(r.stderr, "password: invalid") {
			t.Fatalf("password %q: exit %d, stderr %q", pw, r.code, r.stderr)
		}
	}
	r := cli(t, nil, "", append(data, "user", "list")...)
	if strings.Contains(r.stdout, "weak.pw@example.com") {
		t.Fatalf("a user was made with a refused password:\n%s", r.stdout)
	}
	if r := cli(t, nil, "harbour tangerine 88\n", append(data, "user", "add", "--email", "weak.pw@example.com", "--role", "admin", "--password-stdin")...); r.code != 0 {
		t.Fatalf("control: good password refused: %+v", r)
	}
}
