package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"consortia/internal/app"
	"consortia/internal/model"
)

type userCmd struct {
	Add userAddCmd `cmd:"" help:"Add a person. The password (at least 10 characters) is read from standard input, never from the command line: pipe it in, e.g. printf '%s\\n' \"$PASSWORD\" | consortia user add --email … --name …; on a terminal it is asked for without echo."`
}

type userAddCmd struct {
	dbFlag `embed:""`
	Email  string `name:"email" required:"" help:"Email address (the sign-in name)."`
	Name   string `name:"name" required:"" help:"Display name."`
	Role   string `name:"role" enum:"admin,member" default:"member" help:"admin (host staff) or member."`
}

func (c *userAddCmd) Run(e *env) error {
	password, err := readPassword(e)
	if err != nil {
		return err
	}
	store, err := openExisting(e.ctx, c.DB, e)
	if err != nil {
		return err
	}
	defer store.Close()
	a := app.New(store, e.log)
	u, err := a.CreateUser(e.ctx, nil, model.UserInput{Email: c.Email, Name: c.Name, Role: c.Role}, password)
	if err != nil {
		return describe(err)
	}
	_, err = fmt.Fprintf(e.stdout, "added %s <%s> (%s), id %d\n", u.Name, u.Email, u.Role, u.ID)
	return err
}

// readPassword reads one line from standard input; on a terminal it
// prompts and does not echo.
func readPassword(e *env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil && err.Error() != "EOF" {
			return "", err
		}
		return "", errors.New("no password on standard input: pipe one in, e.g. `printf '%s\\n' \"$PASSWORD\" | consortia user add …`")
	}
	return line, nil
}

type tokenCmd struct {
	Create tokenCreateCmd `cmd:"" help:"Create an API token for a person and print it once."`
}

type tokenCreateCmd struct {
	dbFlag `embed:""`
	Email  string `name:"email" required:"" help:"Whose token it is."`
	Name   string `name:"name" default:"API token" help:"A label to recognise the token by."`
}

func (c *tokenCreateCmd) Run(e *env) error {
	store, err := openExisting(e.ctx, c.DB, e)
	if err != nil {
		return err
	}
	defer store.Close()
	a := app.New(store, e.log)
	u, err := store.UserByEmail(e.ctx, c.Email)
	if err != nil {
		return fmt.Errorf("no person with the address %q", c.Email)
	}
	token, _, err := a.CreateToken(e.ctx, nil, u, c.Name)
	if err != nil {
		return describe(err)
	}
	_, err = fmt.Fprintln(e.stdout, token)
	return err
}
