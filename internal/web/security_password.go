package web

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Password rules beyond the length auth.HashPassword enforces: a new
// password must not be one that guessing tools try first, nor the user's
// own email address (or its part before the @), nor one character repeated.
// They apply wherever a password is set: an admin creating or resetting a
// user (API and page), a user changing their own, and the CLI.

//go:embed security_common_passwords.txt
var commonPasswordList string

// commonPasswords is the embedded list, normalized, parsed once.
var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[normalizePassword(line)] = true
	}
	return m
})

// normalizePassword folds case and drops spaces, so "Password 123" and
// "PASSWORD123" count as the listed "password123".
func normalizePassword(pw string) string {
	return strings.ToLower(strings.Join(strings.Fields(pw), ""))
}

// Details of the problems passwordRules reports (code domain.CodeInvalid).
const (
	detailPasswordCommon   = "this password is too common"
	detailPasswordIsEmail  = "the password must not be the email address"
	detailPasswordRepeated = "the password must not be one character repeated"
)

// passwordRules checks pw, about to be set for the user with email, and
// returns a *domain.ValidationError on field, or nil. Length is left to
// auth.HashPassword, so a short password gets one problem, not two.
func passwordRules(field, pw, email string) error {
	if utf8.RuneCountInString(pw) < auth.MinPasswordLen || len(pw) > auth.MaxPasswordLen {
		return nil
	}
	detail := ""
	norm := normalizePassword(pw)
	email = strings.ToLower(strings.TrimSpace(email))
	local, _, _ := strings.Cut(email, "@")
	switch {
	case commonPasswords()[norm]:
		detail = detailPasswordCommon
	case email != "" && (norm == normalizePassword(email) || (len(local) >= 3 && norm == normalizePassword(local))):
		detail = detailPasswordIsEmail
	case oneRuneRepeated(pw):
		detail = detailPasswordRepeated
	default:
		return nil
	}
	return invalid(field, domain.CodeInvalid, detail)
}

func oneRuneRepeated(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}

// CheckNewPassword applies every password rule (length included) to pw, a
// new password for the user with email. It returns a
// *domain.ValidationError on field "password", or nil. The CLI uses it.
func CheckNewPassword(email, pw string) error {
	var lengthErr error
	switch {
	case utf8.RuneCountInString(pw) < auth.MinPasswordLen:
		lengthErr = passwordProblem("password", auth.ErrPasswordTooShort)
	case len(pw) > auth.MaxPasswordLen:
		lengthErr = passwordProblem("password", auth.ErrPasswordTooLong)
	}
	return joinProblems(lengthErr, passwordRules("password", pw, email))
}
