// Command baogong runs the baogong service: a WeChat official-account bot
// that takes lockdown orders for vegetables, grain and medicine.
//
//	baogong serve --config FILE     production: real Redis, real WeChat
//	baogong demo [--addr ADDR]      everything in memory, with a web page
//	baogong parse [--catalog FILE]  read order text on stdin, print JSON
//	baogong menu --config FILE      create the official account's menu
//	baogong run-job NAME --config FILE  run a job now (cutoff, roster …)
//	baogong load --config FILE      drive a running service with orders
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "baogong:", err)
		}
		os.Exit(1)
	}
}

const usage = `usage:
  baogong serve --config FILE       run the service (real Redis, real WeChat)
  baogong demo [--addr 127.0.0.1:8080]
                                    run everything in memory with a web page
  baogong parse [--catalog FILE] [--building B --unit U]
                                    read order text on stdin, print JSON
  baogong menu --config FILE        create the official account's menu
  baogong run-job NAME --config FILE [--slot TIME] [--community ID]
                                    run a job now: cutoff, picklist, roster,
                                    urgent, bindings, restock, privacy or
                                    unreached
                                    (baogong run-job help says what each does)
  baogong purge --before YYYY-MM-DD --config FILE [--community ID]
                                    remove the personal data of activity
                                    before the day (the lockdown is over)
  baogong load --config FILE [flags]
                                    drive a running service with WeChat-signed
                                    orders and check every answer
                                    (baogong load -h for its flags)`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return flag.ErrHelp
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "serve":
		return serveCmd(ctx, args, stderr)
	case "demo":
		return demoCmd(ctx, args, stdout, stderr)
	case "parse":
		return parseCmd(args, stdin, stdout, stderr)
	case "menu":
		return menuCmd(ctx, args, stdout, stderr)
	case "run-job":
		return runJobCmd(ctx, args, stdout, stderr)
	case "load":
		return loadCmd(ctx, args, stdout, stderr)
	case "purge":
		return purgeCmd(ctx, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func serveCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "baogong.yaml", "config file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tuneGC(os.Getenv)
	m, err := LoadMain(ctx, *path, stderr)
	if err != nil {
		return err
	}
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	return m.Close()
}
