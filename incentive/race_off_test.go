//go:build !race

package incentive_test

// raceDetector: see race_on_test.go.
const raceDetector = false
