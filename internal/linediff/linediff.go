// Package linediff computes a readable line-by-line difference between two
// texts (Myers' O(ND) algorithm), for comparing RCA revisions.
package linediff

import "strings"

// Op says what happened to a line.
type Op int

// Line operations.
const (
	Equal Op = iota
	Insert
	Delete
)

func (o Op) String() string {
	switch o {
	case Insert:
		return "insert"
	case Delete:
		return "delete"
	}
	return "equal"
}

// Line is one line of a diff. OldNo and NewNo are 1-based line numbers in
// the old and new text; 0 where the line does not exist on that side.
type Line struct {
	Op    Op
	Text  string
	OldNo int
	NewNo int
}

// MaxEdits bounds the work for very different texts: beyond it the diff
// falls back to "delete everything, insert everything", which is still correct.
const MaxEdits = 1000

// Lines splits s into lines without their newline characters. An empty
// string has no lines; a trailing newline does not add an empty line.
func Lines(s string) []string {
	if s == "" {
		return nil
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n")
}

// Diff compares two texts line by line.
func Diff(oldText, newText string) []Line {
	return DiffLines(Lines(oldText), Lines(newText))
}

// DiffLines compares two slices of lines.
func DiffLines(a, b []string) []Line {
	// Trim the common prefix and suffix: cheap, and most edits are local.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out := make([]Line, 0, len(a)+len(b))
	for i := 0; i < pre; i++ {
		out = append(out, Line{Op: Equal, Text: a[i], OldNo: i + 1, NewNo: i + 1})
	}
	mid := myers(a[pre:len(a)-suf], b[pre:len(b)-suf])
	for _, l := range mid {
		if l.OldNo > 0 {
			l.OldNo += pre
		}
		if l.NewNo > 0 {
			l.NewNo += pre
		}
		out = append(out, l)
	}
	for i := 0; i < suf; i++ {
		ai, bi := len(a)-suf+i, len(b)-suf+i
		out = append(out, Line{Op: Equal, Text: a[ai], OldNo: ai + 1, NewNo: bi + 1})
	}
	return out
}

// myers returns the shortest edit script from a to b, deletions before
// insertions within a changed block. It keeps, for every edit distance d,
// the furthest-reaching x of diagonals -d..d: O(D²) memory, bounded by
// MaxEdits.
func myers(a, b []string) []Line {
	n, m := len(a), len(b)
	if n == 0 && m == 0 {
		return nil
	}
	limit := n + m
	if limit > MaxEdits {
		limit = MaxEdits
	}
	offset := limit + 1
	v := make([]int, 2*limit+3)
	var trace [][]int // trace[d][k+d]: v on diagonal k before step d
	found := false
	for d := 0; d <= limit && !found; d++ {
		snap := make([]int, 2*d+1)
		copy(snap, v[offset-d:offset+d+1])
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[offset+k-1] < v[offset+k+1]) {
				x = v[offset+k+1] // down: insertion
			} else {
				x = v[offset+k-1] + 1 // right: deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[offset+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	if !found {
		return replaceAll(a, b)
	}
	// Walk the trace backwards to recover the path.
	var rev []Line
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		prevX, prevY := 0, 0
		if d > 0 {
			vd := trace[d]
			at := func(k int) int { return vd[k+d] }
			k := x - y
			prevK := k - 1
			if k == -d || (k != d && at(k-1) < at(k+1)) {
				prevK = k + 1
			}
			prevX = at(prevK)
			prevY = prevX - prevK
		}
		for x > prevX && y > prevY {
			rev = append(rev, Line{Op: Equal, Text: a[x-1], OldNo: x, NewNo: y})
			x--
			y--
		}
		if d > 0 {
			if x == prevX {
				rev = append(rev, Line{Op: Insert, Text: b[y-1], NewNo: y})
			} else {
				rev = append(rev, Line{Op: Delete, Text: a[x-1], OldNo: x})
			}
		}
		x, y = prevX, prevY
	}
	out := make([]Line, len(rev))
	for i := range rev {
		out[i] = rev[len(rev)-1-i]
	}
	return out
}

func replaceAll(a, b []string) []Line {
	out := make([]Line, 0, len(a)+len(b))
	for i, s := range a {
		out = append(out, Line{Op: Delete, Text: s, OldNo: i + 1})
	}
	for i, s := range b {
		out = append(out, Line{Op: Insert, Text: s, NewNo: i + 1})
	}
	return out
}

// Changed reports whether the diff holds any insertion or deletion.
func Changed(d []Line) bool {
	for _, l := range d {
		if l.Op != Equal {
			return true
		}
	}
	return false
}

// Hunk is a run of diff lines with a little unchanged context around changes.
type Hunk struct {
	Lines []Line
}

// Hunks groups a diff into hunks, keeping context unchanged lines around
// each change and dropping long unchanged stretches.
func Hunks(d []Line, context int) []Hunk {
	var hunks []Hunk
	keep := make([]bool, len(d))
	for i, l := range d {
		if l.Op == Equal {
			continue
		}
		for j := i - context; j <= i+context; j++ {
			if j >= 0 && j < len(d) {
				keep[j] = true
			}
		}
	}
	var cur *Hunk
	for i, l := range d {
		if !keep[i] {
			cur = nil
			continue
		}
		if cur == nil {
			hunks = append(hunks, Hunk{})
			cur = &hunks[len(hunks)-1]
		}
		cur.Lines = append(cur.Lines, l)
	}
	return hunks
}
