package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// minPasswordLen is the shortest password an admin may set for a new user.
const minPasswordLen = 10

type userRow struct {
	ID, Email, Name, Role string
	Disabled              bool
	Problems              []domain.Problem
}

type newUserForm struct{ Email, Name, Role string }

type usersPage struct {
	PageData
	Rows        []userRow
	Roles       []domain.Role
	NewForm     newUserForm
	NewProblems []domain.Problem
}

func (p *pages) renderUsers(c *gin.Context, status int, failedID string, row *userRow, nf *newUserForm, problems []domain.Problem) {
	users, err := p.s.store.ListUsers(c.Request.Context())
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	d := usersPage{PageData: p.base(c, "users"), Roles: domain.Roles, NewForm: newUserForm{Role: string(domain.RoleAuthor)}}
	for _, u := range users {
		r := userRow{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Disabled: u.Disabled}
		if row != nil && u.ID == failedID {
			r.Name, r.Role, r.Disabled, r.Problems = row.Name, row.Role, row.Disabled, problems
		}
		d.Rows = append(d.Rows, r)
	}
	if nf != nil {
		d.NewForm, d.NewProblems = *nf, problems
	}
	p.render(c, status, "users", d)
}

// userList shows the users for admins.
func (p *pages) userList(c *gin.Context) { p.renderUsers(c, http.StatusOK, "", nil, nil, nil) }

// userCreate adds a user with a password the admin hands over.
func (p *pages) userCreate(c *gin.Context) {
	nf := newUserForm{Email: strings.TrimSpace(c.PostForm("email")), Name: strings.TrimSpace(c.PostForm("name")), Role: c.PostForm("role")}
	pw := c.PostForm("password")
	var ps formProblems
	u := domain.User{Email: nf.Email, Name: nf.Name, Role: domain.Role(nf.Role)}
	if problems, ok := validationProblems(u.Validate()); ok {
		ps = append(ps, problems...)
	}
	if len(pw) < minPasswordLen || passwordRules("password", pw, nf.Email) != nil {
		ps.add("password", domain.CodeInvalid)
	}
	if len(ps) == 0 {
		hash, err := auth.HashPassword(pw)
		if err != nil {
			p.s.pageError(c, err)
			return
		}
		u.PasswordHash = hash
		u.PasswordChangedAt = p.s.now()
		err = p.s.store.CreateUser(c.Request.Context(), &u)
		if errors.Is(err, store.ErrDuplicate) {
			ps.add("email", domain.CodeDuplicate)
		} else if err != nil {
			p.s.pageError(c, err)
			return
		}
	}
	if len(ps) > 0 {
		p.renderUsers(c, statusInvalid, "", nil, &nf, ps)
		return
	}
	admin, _ := currentUser(c)
	p.s.audit(c.Request.Context(), admin.ID, "user.create", "user:"+u.ID, map[string]string{"role": string(u.Role)})
	p.setFlash(c, "ok", "ui.flash.user_created")
	redirect(c, "/admin/users")
}

// userSave changes a user's name, role or disabled flag. Admins cannot
// demote or disable themselves, so an installation keeps an admin.
func (p *pages) userSave(c *gin.Context) {
	ctx := c.Request.Context()
	admin, _ := currentUser(c)
	u, err := p.s.store.GetUser(ctx, c.Param("id"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	before := u
	row := userRow{ID: u.ID, Email: u.Email, Name: strings.TrimSpace(c.PostForm("name")), Role: c.PostForm("role"), Disabled: c.PostForm("disabled") == "1"}
	var ps formProblems
	if u.ID == admin.ID && (row.Role != string(domain.RoleAdmin) || row.Disabled) {
		ps.add("role", "self")
	}
	u.Name, u.Role, u.Disabled = row.Name, domain.Role(row.Role), row.Disabled
	if problems, ok := validationProblems(u.Validate()); ok {
		ps = append(ps, problems...)
	}
	if len(ps) == 0 {
		if err := p.s.store.UpdateUser(ctx, &u); err != nil {
			p.s.pageError(c, err)
			return
		}
		if u.Disabled {
			_ = p.s.store.DeleteUserSessions(ctx, u.ID)
		}
	}
	if len(ps) > 0 {
		p.renderUsers(c, statusInvalid, u.ID, &row, nil, ps)
		return
	}
	detail := map[string]string{}
	if before.Role != u.Role {
		detail["role"] = string(before.Role) + " -> " + string(u.Role)
	}
	if before.Disabled != u.Disabled {
		detail["disabled"] = boolString(u.Disabled)
	}
	p.s.audit(ctx, admin.ID, "user.update", "user:"+u.ID, detail)
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/admin/users")
}
