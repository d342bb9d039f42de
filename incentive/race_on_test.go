//go:build race

package incentive_test

// raceDetector: the tests run under the race detector, whose sync.Pool
// drops a quarter of what is put back (allocation counts do not hold).
const raceDetector = true
