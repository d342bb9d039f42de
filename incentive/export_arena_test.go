package incentive

// SetArenasForTest turns the in-place decimals of decArena on or off (off:
// every arena makes its decimals with decimal.New) and returns a function
// that restores the setting.
func SetArenasForTest(on bool) (restore func()) {
	was := arenaOK
	arenaOK = on
	return func() { arenaOK = was }
}
