module github.com/placemap/placemap

go 1.26.8

require (
	github.com/paulmach/orb v0.14.0
	golang.org/x/text v0.43.0
)
