// Package sso signs people in with an outside provider: OpenID Connect
// (discovery, authorization code flow with PKCE, state and nonce, ID token
// verified by go-oidc) and GitHub (OAuth with PKCE and state, the verified
// primary email from its API). It speaks HTTP to the provider and returns
// what the provider vouched for; which account that is, app decides.
package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"consortia/internal/model"
)

// Provider kinds.
const (
	KindOIDC   = "oidc"
	KindGitHub = "github"
)

// Config describes one provider.
type Config struct {
	// Name is the provider's path segment (/login/sso/NAME) and the key
	// its identities are kept under; Label is what the button says.
	Name, Label string
	Kind        string
	// Issuer is an OpenID Connect provider's issuer URL (discovery is at
	// Issuer + "/.well-known/openid-configuration").
	Issuer                 string
	ClientID, ClientSecret string
	// GitHubURL and GitHubAPIURL are github.com and api.github.com unless
	// set (tests point them at a fake on loopback).
	GitHubURL, GitHubAPIURL string
}

// Provider is a configured provider, ready to send people to.
type Provider struct {
	Config
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	client   *http.Client
}

// New prepares a provider; an OpenID Connect one is discovered now.
// client makes every call to the provider (nil: a client with a 15-second
// timeout).
func New(ctx context.Context, cfg Config, client *http.Client) (*Provider, error) {
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.ClientID == "" {
		return nil, fmt.Errorf("provider %s: no client id", cfg.Name)
	}
	p := &Provider{Config: cfg, client: client}
	p.oauth = oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret}
	switch cfg.Kind {
	case KindOIDC:
		op, err := oidc.NewProvider(oidc.ClientContext(ctx, client), cfg.Issuer)
		if err != nil {
			return nil, fmt.Errorf("provider %s: discovery at %s: %w", cfg.Name, cfg.Issuer, err)
		}
		p.oauth.Endpoint = op.Endpoint()
		p.oauth.Scopes = []string{oidc.ScopeOpenID, "email", "profile"}
		p.verifier = op.Verifier(&oidc.Config{ClientID: cfg.ClientID})
	case KindGitHub:
		web := strings.TrimRight(or(cfg.GitHubURL, "https://github.com"), "/")
		p.GitHubAPIURL = strings.TrimRight(or(cfg.GitHubAPIURL, "https://api.github.com"), "/")
		p.oauth.Endpoint = oauth2.Endpoint{AuthURL: web + "/login/oauth/authorize", TokenURL: web + "/login/oauth/access_token"}
		p.oauth.Scopes = []string{"read:user", "user:email"}
	default:
		return nil, fmt.Errorf("provider %s: unknown kind %q", cfg.Name, cfg.Kind)
	}
	return p, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Pending is what the visitor's session keeps between sending them to the
// provider and their return: the values the return must match.
type Pending struct {
	Provider   string    `json:"p"`
	State      string    `json:"s"`
	Nonce      string    `json:"n"`
	Verifier   string    `json:"v"`
	Next       string    `json:"x,omitempty"`
	Invitation string    `json:"i,omitempty"`
	Expires    time.Time `json:"e"`
}

// PendingValidity is how long a visitor has at the provider.
const PendingValidity = 10 * time.Minute

func random() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// withRedirect is the OAuth configuration with this site's callback.
func (p *Provider) withRedirect(callback string) *oauth2.Config {
	c := p.oauth
	c.RedirectURL = callback
	return &c
}

// Start returns the provider's URL to send the visitor to and what their
// session must keep for the return; callback is this site's address the
// provider sends them back to.
func (p *Provider) Start(callback string, now time.Time) (string, Pending, error) {
	state, err1 := random()
	nonce, err2 := random()
	if err := errors.Join(err1, err2); err != nil {
		return "", Pending{}, err
	}
	pending := Pending{Provider: p.Name, State: state, Nonce: nonce, Verifier: oauth2.GenerateVerifier(), Expires: now.Add(PendingValidity)}
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(pending.Verifier)}
	if p.Kind == KindOIDC {
		opts = append(opts, oidc.Nonce(nonce))
	}
	return p.withRedirect(callback).AuthCodeURL(state, opts...), pending, nil
}

// failed is a sign-in the provider's answer did not support.
func failed(format string, args ...any) error {
	return model.Errorf(model.EForbidden, "Sign-in failed: "+format, args...)
}

// Finish checks the provider's return (query) against what the session
// kept, exchanges the code (with the PKCE verifier) and returns who the
// provider says the person is.
func (p *Provider) Finish(ctx context.Context, callback string, pending Pending, query url.Values, now time.Time) (model.ExternalIdentity, error) {
	var none model.ExternalIdentity
	if pending.State == "" || pending.Provider != p.Name {
		return none, failed("this sign-in was not started here, or was already used. Please start again.")
	}
	if now.After(pending.Expires) {
		return none, failed("it took too long. Please start again.")
	}
	if subtle.ConstantTimeCompare([]byte(query.Get("state")), []byte(pending.State)) != 1 {
		return none, failed("the answer does not belong to this sign-in (state). Please start again.")
	}
	if query.Get("error") != "" {
		return none, failed("the provider refused, or the sign-in was cancelled.")
	}
	code := query.Get("code")
	if code == "" {
		return none, failed("the provider sent no code.")
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, p.client)
	tok, err := p.withRedirect(callback).Exchange(ctx, code, oauth2.VerifierOption(pending.Verifier))
	if err != nil {
		return none, failed("the provider did not accept the code.")
	}
	if p.Kind == KindGitHub {
		return p.gitHubIdentity(ctx, tok)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return none, failed("the provider sent no ID token.")
	}
	idt, err := p.verifier.Verify(oidc.ClientContext(ctx, p.client), raw)
	if err != nil {
		return none, failed("the ID token is not valid (%s).", tokenProblem(err))
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(pending.Nonce)) != 1 {
		return none, failed("the ID token does not belong to this sign-in (nonce).")
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"`
		Name          string `json:"name"`
		Username      string `json:"preferred_username"`
	}
	if err := idt.Claims(&claims); err != nil {
		return none, failed("the ID token's claims cannot be read.")
	}
	return model.ExternalIdentity{Provider: p.Name, Subject: idt.Subject, Email: claims.Email,
		EmailVerified: verified(claims.EmailVerified), Name: or(claims.Name, claims.Username)}, nil
}

// verified reads email_verified, which some providers send as a string.
func verified(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return b == "true"
	}
	return false
}

// tokenProblem names what go-oidc found wrong, in words.
func tokenProblem(err error) string {
	var expired *oidc.TokenExpiredError
	switch msg := err.Error(); {
	case errors.As(err, &expired):
		return "expired"
	case strings.Contains(msg, "issuer"):
		return "wrong issuer"
	case strings.Contains(msg, "audience"):
		return "not for this site"
	case strings.Contains(msg, "signature"), strings.Contains(msg, "malformed"), strings.Contains(msg, "algorithm"):
		return "not signed by the provider"
	}
	return "rejected"
}

// gitHubIdentity reads the GitHub user and their verified primary email.
func (p *Provider) gitHubIdentity(ctx context.Context, tok *oauth2.Token) (model.ExternalIdentity, error) {
	var none model.ExternalIdentity
	var user struct {
		ID    int64  `json:"id"`
		Login string `json:"login"`
		Name  string `json:"name"`
	}
	if err := p.gitHubGet(ctx, tok, "/user", &user); err != nil || user.ID == 0 {
		return none, failed("GitHub did not say who you are.")
	}
	var emails []struct {
		Email    string `json:"email"`
		Primary  bool   `json:"primary"`
		Verified bool   `json:"verified"`
	}
	if err := p.gitHubGet(ctx, tok, "/user/emails", &emails); err != nil {
		return none, failed("GitHub did not give your email address.")
	}
	id := model.ExternalIdentity{Provider: p.Name, Subject: strconv.FormatInt(user.ID, 10), Name: or(user.Name, user.Login)}
	for _, e := range emails {
		if e.Primary {
			id.Email, id.EmailVerified = e.Email, e.Verified
		}
	}
	return id, nil
}

func (p *Provider) gitHubGet(ctx context.Context, tok *oauth2.Token, path string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.GitHubAPIURL+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	tok.SetAuthHeader(req)
	res, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GitHub %s: %s", path, res.Status)
	}
	return json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(into)
}
