package bot

import (
	"context"
	"errors"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/wechat"
)

// Voices WeChat sent without words (issue 19): WeChat is withdrawing the
// speech recognition of official accounts. The voice is downloaded while
// WeChat still has it; a transcription service (ASR), when configured,
// gives its words, which are then read as a recognised voice's are; else
// the voice goes to a person who can listen (actions.PassVoice) and the
// elder hears who will help. A voice too large, or one WeChat no longer
// gives, is told plainly: nothing is dropped silently.

// Downloader fetches media people send (wechat.WeChatSender).
type Downloader interface {
	Download(ctx context.Context, mediaID string, max int64) (wechat.Media, error)
}

// Transcriber turns audio into words (package asr).
type Transcriber interface {
	Transcribe(ctx context.Context, name string, audio []byte) (string, error)
}

const (
	// maxVoice bounds a voice downloaded: a minute of AMR is about
	// 100 KB; WeChat's own limit is 2 MB.
	maxVoice = 2 << 20
	// maxPhoto bounds a photo of a prescription kept in Redis: WeChat
	// sends chat photos compressed to a few hundred KB.
	maxPhoto = 3 << 20
	// asrBudget bounds a transcription: the answer must reach WeChat
	// within 5 s, and passing the voice on is the fallback.
	asrBudget = 2 * time.Second
)

// listen downloads msg's voice and transcribes it, or passes it on.
func (b *Bot) listen(ctx context.Context, msg *Message) (string, error) {
	m, err := b.Media.Download(ctx, msg.MediaID, maxVoice)
	if err != nil {
		if errors.Is(err, wechat.ErrTooLarge) {
			b.Log.Warn("voice too large", "err", err)
		} else {
			b.Log.Error("download voice", "err", err)
		}
		msg.readOnly = true
		return textVoiceNotReceived, nil
	}
	if b.ASR != nil {
		words, err := b.transcribe(ctx, m.Data)
		if err == nil {
			msg.Recognition = words
			return b.voice(ctx, msg)
		}
		b.Log.Warn("transcribe voice", "err", err)
	}
	msg.readOnly = false
	res, err := b.Actions.PassVoice(ctx, msg.actor(), actions.Voice{Data: m.Data, ContentType: m.ContentType})
	switch {
	case errors.Is(err, actions.ErrForbidden):
		msg.readOnly = true
		return textUnheard(msg.From.Binding.Address, false), nil
	case err != nil:
		return "", err
	case res.To == actions.VoiceNobody:
		msg.readOnly = true
		return textUnheard(msg.From.Binding.Address, false), nil
	}
	return textVoicePassedOn(msg.From.Binding.Address, res), nil
}

// transcribe asks the ASR for the words of audio within asrBudget, and
// what is left of the message's own budget.
func (b *Bot) transcribe(ctx context.Context, audio []byte) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, b.asrBudget())
	defer cancel()
	return b.ASR.Transcribe(ctx, "voice.amr", audio)
}

func (b *Bot) asrBudget() time.Duration {
	if b.ASRTimeout > 0 {
		return b.ASRTimeout
	}
	return asrBudget
}
