package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/redis/go-redis/v9"
)

// redisError is an answer from Redis, as go-redis returns it.
type redisError string

func (e redisError) Error() string { return string(e) }
func (redisError) RedisError()     {}

func TestNodeFailed(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{redis.Nil, false},
		{context.Canceled, false},
		{redisError("NOSCRIPT No matching script"), false},
		{redisError("ERR wrong number of arguments"), false},
		{redisError("CLUSTERDOWN The cluster is down"), true},
		{redisError("TRYAGAIN Multiple keys request during rehashing of slot"), true},
		{&net.OpError{Op: "dial", Err: errors.New("connect: connection refused")}, true},
		{io.EOF, true},
		{fmt.Errorf("resolve: %w", context.DeadlineExceeded), true},
	} {
		if got := nodeFailed(tt.err); got != tt.want {
			t.Errorf("nodeFailed(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
