//go:build pin

// Package hindsight pins the module's dependencies while packages are being
// written in parallel; it is removed once every dependency is imported for real.
package hindsight

import (
	_ "codeberg.org/go-pdf/fpdf"
	_ "github.com/FerretDB/FerretDB/ferretdb"
	_ "github.com/chromedp/chromedp"
	_ "github.com/gin-gonic/gin"
	_ "github.com/go-playground/locales/de"
	_ "github.com/microcosm-cc/bluemonday"
	_ "github.com/nicksnyder/go-i18n/v2/i18n"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/yuin/goldmark"
	_ "go.mongodb.org/mongo-driver/v2/mongo"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/text/language"
	_ "modernc.org/sqlite"
)
