package i18n

import (
	"testing"
	"time"
)

func TestNumberAndMonthNames(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ lang, number, short, wide string }{
		{"en", "1,234.5", "Sep", "September"},
		{"de", "1.234,5", "Sept.", "September"},
		{"fr", "1\u202f234,5", "sept.", "septembre"},
		{"es", "1.234,5", "sept.", "septiembre"},
		{"pt-BR", "1.234,5", "set.", "setembro"},
	}
	for _, tc := range cases {
		l := c.Localizer(tc.lang)
		if got := l.Number(1234.5, 1); got != tc.number {
			t.Errorf("%s: Number = %q, want %q", tc.lang, got, tc.number)
		}
		if got := l.MonthShort(time.September); got != tc.short {
			t.Errorf("%s: MonthShort = %q, want %q", tc.lang, got, tc.short)
		}
		if got := l.MonthWide(time.September); got != tc.wide {
			t.Errorf("%s: MonthWide = %q, want %q", tc.lang, got, tc.wide)
		}
	}
}
