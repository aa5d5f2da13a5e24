package wechat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/silenceper/wechat/v2/util"
)

// ErrTooLarge is returned by Download for media over its limit.
var ErrTooLarge = errors.New("media too large")

// ErrMediaGone is returned by Download when WeChat no longer has the
// media (it keeps what people send for three days) or never had it.
var ErrMediaGone = errors.New("media expired or unknown")

// Media is a file a person sent (a voice, a photo) as WeChat serves it.
type Media struct {
	Data []byte
	// ContentType is what WeChat said it is (audio/amr, image/jpeg …).
	ContentType string
}

// Download fetches media mediaID (/cgi-bin/media/get) while WeChat still
// keeps it, reading at most max bytes: more is ErrTooLarge, and an answer
// in JSON (WeChat's errors) ErrMediaGone for an unknown or expired id, or
// the error it carries. A rejected token is refreshed once, as for sends.
//
// The library only builds the URL (GetMediaURL) and would read any size
// into memory: the request is made here, with util.DefaultHTTPClient.
func (s *WeChatSender) Download(ctx context.Context, mediaID string, max int64) (Media, error) {
	if s.custom == nil {
		return Media{}, errNotBuilt
	}
	refreshed := false
	var m Media
	err := s.call(ctx, &refreshed, func() error {
		var err error
		m, err = s.download(ctx, mediaID, max)
		return err
	})
	return m, cleanErr(err)
}

func (s *WeChatSender) download(ctx context.Context, mediaID string, max int64) (Media, error) {
	tok, err := s.Account.GetAccessToken()
	if err != nil {
		return Media{}, fmt.Errorf("access token: %w", err)
	}
	u := strings.TrimRight(s.APIBase, "/") + "/cgi-bin/media/get?access_token=" + url.QueryEscape(tok) + "&media_id=" + url.QueryEscape(mediaID)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Media{}, err
	}
	client := util.DefaultHTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return Media{}, fmt.Errorf("download media: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Media{}, fmt.Errorf("download media: http %d", resp.StatusCode)
	}
	if resp.ContentLength > max {
		return Media{}, fmt.Errorf("%w: %d bytes", ErrTooLarge, resp.ContentLength)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return Media{}, fmt.Errorf("download media: %w", err)
	}
	if int64(len(data)) > max {
		return Media{}, fmt.Errorf("%w: over %d bytes", ErrTooLarge, max)
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct == "application/json" || ct == "text/plain" || (len(data) > 0 && data[0] == '{') {
		var e util.CommonError
		if json.Unmarshal(data, &e) == nil && e.ErrCode != 0 {
			if e.ErrCode == wxBadMediaID {
				return Media{}, fmt.Errorf("%w: errcode=%d", ErrMediaGone, e.ErrCode)
			}
			return Media{}, fmt.Errorf("download media: errcode=%d , errmsg=%s", e.ErrCode, e.ErrMsg)
		}
	}
	return Media{Data: data, ContentType: ct}, nil
}
