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
	// Everyone's menu, and the menus of leads, volunteers and staff shown
	// by their tags (issue 19), whose members are synced now.
	if err := m.Tags.tags.SetMenus(ctx, bot.Menu(), bot.RoleMenus()); err != nil {
		return fmt.Errorf("create menu: %w", err)
	}
	if err := m.Tags.sync(ctx); err != nil {
		return fmt.Errorf("tag people by role: %w", err)
	}
	fmt.Fprintln(stdout, "menu created (with the menus of leads, volunteers and staff)")
	return nil
}
