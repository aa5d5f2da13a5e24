package orders

import (
	"encoding/json"
	"time"
)

// Person is what the community office knows of one of its people (a lead,
// a volunteer, a supplier's contact): a name to call them by and a phone
// to reach them, by openid. Phones are personal data: never logged.
type Person struct {
	OpenID string `json:"openid"`
	Name   string `json:"name,omitempty"`
	Phone  string `json:"phone,omitempty"`
}

// JobRun is one run of a scheduled job as the console shows it: when it
// ran, for which slot, how it was started, and what it published.
type JobRun struct {
	Job  string    `json:"job"`
	Slot time.Time `json:"slot"`
	At   time.Time `json:"at"`
	// How says who started it: "scheduled", "catch-up", "api",
	// "console", "cli".
	How       string `json:"how,omitempty"`
	Published bool   `json:"published"`
	// Error is the failure, "" when the run succeeded.
	Error string `json:"error,omitempty"`
	// Result is the job's own account of the run (jobs.Result as JSON).
	Result json.RawMessage `json:"result,omitempty"`
}
