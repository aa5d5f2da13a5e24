package loadgen

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// wire is one keep-alive HTTP/1.1 connection, written to directly as wrk
// does: one write per request, one buffered read of the answer. net/http's
// client hands every request between three goroutines; on a 2-core box
// that shared with the service, the load generator's own time matters.
type wire struct {
	addr    string // host:port to dial
	host    string // the Host header
	timeout time.Duration
	conn    net.Conn
	br      *bufio.Reader
	buf     []byte
}

func newWire(c *client) *wire {
	addr := c.target.Host
	if c.target.Port() == "" {
		addr = net.JoinHostPort(c.target.Hostname(), "80")
	}
	return &wire{addr: addr, host: c.target.Host, timeout: c.timeout}
}

// post sends one POST and reads the whole answer. Any error closes the
// connection; the next post dials again. There is no retry: a message
// either got its answer or counts as an error.
func (w *wire) post(uri string, body []byte) (status int, reply []byte, err error) {
	if w.conn == nil {
		c, err := net.DialTimeout("tcp", w.addr, 2*time.Second)
		if err != nil {
			return 0, nil, err
		}
		w.conn, w.br = c, bufio.NewReaderSize(c, 16<<10)
	}
	b := append(w.buf[:0], "POST "...)
	b = append(b, uri...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, w.host...)
	b = append(b, "\r\nUser-Agent: baogong-load\r\nContent-Type: text/xml\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, body...)
	w.buf = b
	w.conn.SetDeadline(time.Now().Add(w.timeout))
	if _, err := w.conn.Write(b); err != nil {
		w.close()
		return 0, nil, err
	}
	resp, err := http.ReadResponse(w.br, nil)
	if err != nil {
		w.close()
		return 0, nil, err
	}
	reply, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.Close {
		w.close()
	}
	return resp.StatusCode, reply, err
}

func (w *wire) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn, w.br = nil, nil
	}
}
