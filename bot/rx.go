package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
)

// Prescription medicine (处方药): an order with an rx item waits in
// awaiting_rx until the resident sends a photo of the prescription or the
// box, or the pharmacy, the building's lead or a community admin approves
// it (审核 1001 通过); a rejection (审核 1001 驳回 原因) cancels it.

var (
	approveVerbs = []string{"通过", "同意", "批准", "可以"}
	rejectVerbs  = []string{"驳回", "不通过", "拒绝", "退回"}
)

// waiting reports whether an order in status s is still to be delivered:
// open, or waiting for its prescription.
func waiting(s orders.Status) bool { return s.Open() || s == orders.StatusAwaitingRx }

// rxPhoto keeps an image from a bound resident on the household's orders
// awaiting a prescription, which then go to the pharmacy.
func (b *Bot) rxPhoto(ctx context.Context, msg *Message) (string, error) {
	if !msg.From.Bound {
		return textRxNoOrder, nil
	}
	photo := actions.Photo{MediaID: msg.MediaID}
	if b.Media != nil && msg.MediaID != "" {
		// Kept now: WeChat's copy expires in three days, and its URL is
		// readable by anyone who has it (issue 19).
		m, err := b.Media.Download(ctx, msg.MediaID, maxPhoto)
		if err != nil {
			b.Log.Warn("download photo", "err", err)
			msg.readOnly = true
			return textPhotoNotReceived, nil
		}
		photo.Data, photo.ContentType = m.Data, m.ContentType
	}
	done, err := b.Actions.AttachRx(ctx, msg.actor(), photo)
	if err != nil {
		return "", err
	}
	if len(done) == 0 {
		return textRxNoOrder, nil
	}
	return textRxPhotoReceived(done), nil
}

// parseReview reads "1001 通过 …" or "1001 驳回 原因": the order id, whether
// it approves, and the words after the verb. ok is false when it is
// neither.
func parseReview(rest string) (id string, approve bool, note string, ok bool) {
	rest = strings.TrimSpace(rest)
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	id = rest[:i]
	if len(id) < 4 {
		return "", false, "", false
	}
	rest = strings.TrimLeft(rest[i:], " 号#：:，,")
	if n, found := command(rest, rejectVerbs); found {
		return id, false, strings.Trim(n, " 。.，,"), true
	}
	if n, found := command(rest, approveVerbs); found {
		return id, true, strings.Trim(n, " 。.，,"), true
	}
	return "", false, "", false
}

// review handles 审核 <订单号> 通过 / 驳回 <原因>.
func (b *Bot) review(ctx context.Context, msg *Message, rest string) (string, error) {
	a := msg.actor()
	if !a.MayReview() {
		return textRxOnly, nil
	}
	id, approve, note, ok := parseReview(rest)
	if !ok {
		return textRxHowTo, nil
	}
	res, err := b.Actions.ReviewRx(ctx, a, id, approve, note)
	switch {
	case isNotFound(err):
		return textRxNoSuchOrder(id), nil
	case errors.Is(err, actions.ErrForbidden):
		return textRxOnly, nil
	case errors.Is(err, actions.ErrNotRx):
		return textRxNotRx(id), nil
	case errors.Is(err, actions.ErrNeedReason):
		return textRxRejectWhy(id), nil
	case errors.Is(err, orders.ErrConflict):
		return textRxTooLate(res.Order), nil
	case err != nil:
		return "", err
	case res.Already:
		return textRxAlreadyApproved(id), nil
	case approve:
		return textRxApproved(res.Order, res.Told), nil
	}
	return textRxRejected(res.Order, note, res.Told), nil
}
