//go:build !race

package incentive

// raceDetector: see race_internal_on_test.go.
const raceDetector = false
