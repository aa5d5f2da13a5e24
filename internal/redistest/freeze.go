package redistest

import "time"

// Freeze stops the server (SIGSTOP) for d, then lets it run on (SIGCONT).
// Meanwhile it keeps its connections and answers nothing, like a server
// stalled by its machine: what a client sent waits in the socket and runs
// once it thaws. Freeze returns at once; thawed is closed when the server
// runs again. Own's cleanup kills the server even while it is frozen.
func (s *Server) Freeze(d time.Duration) (thawed <-chan struct{}, err error) {
	if err := s.Pause(); err != nil {
		return nil, err
	}
	done := make(chan struct{})
	time.AfterFunc(d, func() {
		s.Resume()
		close(done)
	})
	return done, nil
}
