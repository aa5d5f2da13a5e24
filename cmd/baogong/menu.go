package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/baogong/baogong/bot"
)

// menuCmd creates the official account's menu through the WeChat API,
// using the access token shared in Redis.
func menuCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("menu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "baogong.yaml", "config file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := LoadMain(ctx, *path, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.WeChat.Call(ctx, func() error { return m.WeChatAccount.GetMenu().SetMenu(bot.Menu()) }); err != nil {
		return fmt.Errorf("create menu: %w", err)
	}
	fmt.Fprintln(stdout, "menu created")
	return nil
}
