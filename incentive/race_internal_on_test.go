//go:build race

package incentive

// raceDetector: the package's internal tests run under the race detector,
// which makes a run ten to twenty times slower: the widest matrices of
// worker counts and options cut themselves down to what -short runs.
const raceDetector = true
