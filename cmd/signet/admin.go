package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/server"
)

const adminHelp = `Usage: signet admin reset-password --email EMAIL [--data-dir DIR | --database DSN]

Commands an operator runs on a server's data, beside the server (it may keep
running):

  reset-password   give a dashboard account a new random password, printed
                   once; the account's dashboard sessions end. For an owner
                   who lost their password, or the demo's account
                   (owner@demo.signet.example) after its first run.

The data is the server's: --data-dir (SQLite under DIR, default
./signet-data; --data is the same) or --database (sqlite:PATH or a
postgres:// URL), also from SIGNET_DATA_DIR and SIGNET_DATABASE(_FILE).
`

func runAdmin(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help" {
		if len(args) == 0 {
			fmt.Fprint(stderr, adminHelp)
			return exitUsage
		}
		fmt.Fprint(stdout, adminHelp)
		return exitValid
	}
	switch args[0] {
	case "reset-password":
		return runResetPassword(args[1:], stdout, stderr, getenv)
	}
	fmt.Fprintf(stderr, "signet admin: unknown command %q\n\n%s", args[0], adminHelp)
	return exitUsage
}

func runResetPassword(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("admin reset-password", adminHelp, stderr)
	email := fs.String("email", "", "the account's email (required)")
	database := fs.String("database", "", "sqlite:PATH or a postgres:// URL (default sqlite under --data-dir) [$SIGNET_DATABASE]")
	dataDir := fs.String("data-dir", envOr(getenv, "SIGNET_DATA_DIR", "signet-data"), "the server's data folder [$SIGNET_DATA_DIR]")
	fs.StringVar(dataDir, "data", *dataDir, "the same as --data-dir")
	if code, done := parse(fs, args, stdout); done {
		return code
	}
	if *email == "" {
		return usageError(stderr, "admin reset-password", errors.New("--email is required: the dashboard account whose password to reset"))
	}
	dsn, err := secretSetting(getenv, "SIGNET_DATABASE")
	if err != nil {
		return usageError(stderr, "admin reset-password", err)
	}
	if *database != "" {
		dsn = *database
	}
	res, err := server.ResetPassword(context.Background(), server.Config{Database: dsn, DataDir: *dataDir}, *email)
	if res == nil {
		if model.ErrorCode(err) == model.CodeNotFound {
			fmt.Fprintf(stderr, "signet admin reset-password: no dashboard account has the email %q. Nothing was changed.\n", *email)
		} else {
			fmt.Fprintf(stderr, "signet admin reset-password: %v\nNothing was changed.\n", err)
		}
		return 1
	}
	fmt.Fprintf(stdout, "New password for %s (%s), shown once:\n\n    %s\n\n", res.Account.Email, res.Account.Role, res.Password)
	fmt.Fprintf(stdout, "Sign in at /dashboard/signin. %d dashboard session(s) of this account ended.\n", res.SessionsEnded)
	if err != nil {
		fmt.Fprintf(stderr, "signet admin reset-password: %v\n", err)
		return 1
	}
	return 0
}
