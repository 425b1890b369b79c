package main

import (
	"context"
	"fmt"
	"strings"

	"consortia/internal/app"
	"consortia/internal/sso"
)

// ssoFlags configure single sign-on: OpenID Connect providers (repeat the
// three flags, or give comma-separated lists, one entry per provider, in
// the same order), GitHub, self sign-up domains and whether passwords work.
type ssoFlags struct {
	OIDCIssuer         []string `name:"oidc-issuer" default:"${oidc_issuer}" help:"OpenID Connect issuer URL (discovery); repeat for several providers, e.g. CILogon, Google, Keycloak (env CONSORTIA_OIDC_ISSUER, comma-separated)."`
	OIDCClientID       []string `name:"oidc-client-id" default:"${oidc_client_id}" help:"Client id at each --oidc-issuer, in the same order (env CONSORTIA_OIDC_CLIENT_ID)."`
	OIDCClientSecret   []string `name:"oidc-client-secret" help:"Client secret at each --oidc-issuer, in the same order (env CONSORTIA_OIDC_CLIENT_SECRET)."`
	OIDCName           []string `name:"oidc-name" default:"${oidc_name}" help:"Button label of each --oidc-issuer, in the same order (default: the issuer's host) (env CONSORTIA_OIDC_NAME)."`
	GitHubClientID     string   `name:"github-client-id" default:"${github_client_id}" help:"GitHub OAuth app client id: offers \"Sign in with GitHub\" (env CONSORTIA_GITHUB_CLIENT_ID)."`
	GitHubClientSecret string   `name:"github-client-secret" help:"GitHub OAuth app client secret (env CONSORTIA_GITHUB_CLIENT_SECRET)."`
	SignupDomain       []string `name:"signup-domain" default:"${signup_domain}" help:"Email domain whose people may create an account by signing in with a provider that verified their address; repeatable (env CONSORTIA_SIGNUP_DOMAIN, comma-separated). Others ask staff for an invitation."`
	NoPasswordSignIn   bool     `name:"no-password-sign-in" default:"${no_password}" help:"Turn password sign-in (and password reset) off: people sign in with a provider only (env CONSORTIA_NO_PASSWORD_SIGN_IN=true)."`
}

// providers discovers the configured providers and returns them with the
// app's sign-in options.
func (f ssoFlags) providers(ctx context.Context) (map[string]*sso.Provider, app.SignInOptions, error) {
	opts := app.SignInOptions{PasswordOff: f.NoPasswordSignIn}
	f.OIDCIssuer, f.OIDCClientID, f.OIDCClientSecret = nonEmpty(f.OIDCIssuer), nonEmpty(f.OIDCClientID), nonEmpty(f.OIDCClientSecret)
	for _, d := range f.SignupDomain {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			opts.SignupDomains = append(opts.SignupDomains, d)
		}
	}
	if len(f.OIDCClientID) != len(f.OIDCIssuer) || len(f.OIDCClientSecret) > len(f.OIDCIssuer) {
		return nil, opts, fmt.Errorf("--oidc-issuer, --oidc-client-id and --oidc-client-secret: give one of each per provider (%d issuers, %d client ids, %d secrets)",
			len(f.OIDCIssuer), len(f.OIDCClientID), len(f.OIDCClientSecret))
	}
	var cfgs []sso.Config
	for i, issuer := range f.OIDCIssuer {
		c := sso.Config{Kind: sso.KindOIDC, Issuer: issuer, ClientID: f.OIDCClientID[i], Name: fmt.Sprintf("oidc%d", i+1)}
		if i == 0 {
			c.Name = "oidc"
		}
		if i < len(f.OIDCClientSecret) {
			c.ClientSecret = f.OIDCClientSecret[i]
		}
		c.Label = hostOf(issuer)
		if i < len(f.OIDCName) && f.OIDCName[i] != "" {
			c.Label = f.OIDCName[i]
		}
		cfgs = append(cfgs, c)
	}
	if f.GitHubClientID != "" {
		cfgs = append(cfgs, sso.Config{Kind: sso.KindGitHub, Name: "github", Label: "GitHub", ClientID: f.GitHubClientID, ClientSecret: f.GitHubClientSecret})
	}
	out := map[string]*sso.Provider{}
	for _, c := range cfgs {
		p, err := sso.New(ctx, c, nil)
		if err != nil {
			return nil, opts, err
		}
		out[c.Name] = p
		opts.Providers = append(opts.Providers, app.ProviderInfo{Name: c.Name, Label: c.Label})
	}
	if opts.PasswordOff && len(out) == 0 {
		return nil, opts, fmt.Errorf("--no-password-sign-in needs a provider (--oidc-issuer or --github-client-id), or nobody could sign in")
	}
	return out, opts, nil
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func hostOf(issuer string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(issuer, "https://"), "http://")
	host, _, _ := strings.Cut(s, "/")
	return host
}
