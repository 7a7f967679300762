package sqlite

import "testing"

// TestMigrationsAscend: migrate reads the last entry as the newest version
// this binary knows, and branches append their own ranges; a merge that
// leaves a version out of order would make a current database look newer
// than the binary.
func TestMigrationsAscend(t *testing.T) {
	for i := 1; i < len(migrations); i++ {
		if migrations[i].version <= migrations[i-1].version {
			t.Errorf("migration %d (%s) follows %d (%s): versions must ascend",
				migrations[i].version, migrations[i].name, migrations[i-1].version, migrations[i-1].name)
		}
	}
}
