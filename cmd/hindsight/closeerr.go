package main

import "io"

// closeInto closes c and, when the command has not failed already, makes a
// failed Close the command's error (issue 10 finding 14): a store or file the
// command wrote to may not have flushed its last write. Use it in a defer with
// a named error result.
func closeInto(err *error, c io.Closer) {
	if cerr := c.Close(); cerr != nil && *err == nil {
		*err = cerr
	}
}
