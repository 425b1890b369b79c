package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/server"
	"consortia/internal/sso"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// idp is an OpenID Connect provider on loopback whose ID tokens a test may
// rewrite (to check that bad ones are refused).
type idp struct {
	m *mockoidc.MockOIDC
	// rewrite, when set, changes the claims of the next ID token, or
	// returns a whole token of its own.
	mu      sync.Mutex
	rewrite func(claims jwt.MapClaims) string
}

func newIDP(t *testing.T) *idp {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &idp{m: m}
	if err := m.AddMiddleware(p.tamper); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return p
}

func (p *idp) set(f func(jwt.MapClaims) string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rewrite = f
}

func (p *idp) tamper(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		f := p.rewrite
		p.mu.Unlock()
		if f == nil || r.URL.Path != mockoidc.TokenEndpoint {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["id_token"] == nil {
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		parts := strings.Split(body["id_token"].(string), ".")
		raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
		claims := jwt.MapClaims{}
		_ = json.Unmarshal(raw, &claims)
		if tok := f(claims); tok != "" {
			body["id_token"] = tok
		} else if body["id_token"], _ = p.m.Keypair.SignJWT(claims); body["id_token"] == "" {
			panic("signing failed")
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	})
}

// unsigned is a token with the same claims and no signature (alg none).
func unsigned(claims jwt.MapClaims) string {
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	b, _ := json.Marshal(claims)
	return head + "." + base64.RawURLEncoding.EncodeToString(b) + "."
}

// fakeGitHub serves the OAuth and API endpoints GitHub sign-in uses.
type fakeGitHub struct {
	srv    *httptest.Server
	mu     sync.Mutex
	emails []map[string]any
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	g := &fakeGitHub{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/oauth/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" {
			http.Error(w, "no PKCE", http.StatusBadRequest)
			return
		}
		to, _ := url.Parse(q.Get("redirect_uri"))
		to.RawQuery = url.Values{"code": {"gh-code"}, "state": {q.Get("state")}}.Encode()
		http.Redirect(w, r, to.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /login/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.PostForm.Get("code") != "gh-code" || r.PostForm.Get("code_verifier") == "" {
			http.Error(w, `{"error":"bad_verification_code"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"gh-token","token_type":"bearer","scope":"read:user,user:email"}`))
	})
	auth := func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("Authorization") != "Bearer gh-token" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return false
		}
		return true
	}
	mux.HandleFunc("GET /api/user", func(w http.ResponseWriter, r *http.Request) {
		if auth(w, r) {
			_, _ = w.Write([]byte(`{"id":4242,"login":"octo","name":"Octo Cat"}`))
		}
	})
	mux.HandleFunc("GET /api/user/emails", func(w http.ResponseWriter, r *http.Request) {
		if auth(w, r) {
			g.mu.Lock()
			defer g.mu.Unlock()
			_ = json.NewEncoder(w).Encode(g.emails)
		}
	})
	g.srv = httptest.NewServer(mux)
	t.Cleanup(g.srv.Close)
	return g
}

func newSSOEnv(t *testing.T, s *storage.Store, p *idp, g *fakeGitHub) *env {
	t.Helper()
	ctx := context.Background()
	oidcP, err := sso.New(ctx, sso.Config{Name: "oidc", Label: "Example IdP", Kind: sso.KindOIDC, Issuer: p.m.Issuer(),
		ClientID: p.m.ClientID, ClientSecret: p.m.ClientSecret}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ghP, err := sso.New(ctx, sso.Config{Name: "github", Label: "GitHub", Kind: sso.KindGitHub, ClientID: "gh-client", ClientSecret: "gh-secret",
		GitHubURL: g.srv.URL, GitHubAPIURL: g.srv.URL + "/api"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, s, server.Config{Providers: map[string]*sso.Provider{"oidc": oidcP, "github": ghP}})
	e.app.SignIn = app.SignInOptions{SignupDomains: []string{"uni.example.edu"},
		Providers: []app.ProviderInfo{{Name: "oidc", Label: "Example IdP"}, {Name: "github", Label: "GitHub"}}}
	return e.withLinks()
}

// ssoSignIn walks a browser through a provider: start, the provider's
// page (which answers at once), and the callback, whose answer it returns.
func (b *browser) ssoSignIn(provider string, form url.Values) response {
	b.e.t.Helper()
	r := b.post("/login/sso/"+provider, form)
	if r.status != http.StatusSeeOther {
		b.e.t.Fatalf("start: %d %s", r.status, r.body)
	}
	callback := b.providerAnswer(r.header.Get("Location"))
	return b.get(strings.TrimPrefix(callback, b.e.srv.URL))
}

// providerAnswer follows the provider's authorization URL and returns
// where it sends the browser back.
func (b *browser) providerAnswer(authURL string) string {
	b.e.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(authURL)
	if err != nil {
		b.e.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		b.e.t.Fatalf("provider answered %d", res.StatusCode)
	}
	return res.Header.Get("Location")
}

func TestOIDCSignIn(t *testing.T) {
	p := newIDP(t)
	g := newFakeGitHub(t)
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newSSOEnv(t, s, p, g)
		ctx := context.Background()
		jane := e.user("jane.doe@example.com", "Jane Doe", model.RoleMember)

		// The login page offers the provider.
		if r := e.browser().get("/login"); !strings.Contains(string(r.body), "Sign in with Example IdP") {
			t.Fatal("no provider button on the login page")
		}
		// A verified matching email links the identity and signs in.
		p.m.QueueUser(&mockoidc.MockUser{Subject: "jane-1", Email: "Jane.Doe@example.com", EmailVerified: true})
		b := e.browser()
		r := b.ssoSignIn("oidc", url.Values{"next": {"/account"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account" {
			t.Fatalf("callback: %d %s", r.status, r.body)
		}
		if r := b.get("/account"); r.status != 200 || !strings.Contains(string(r.body), "Jane Doe") {
			t.Fatalf("not signed in: %d", r.status)
		}
		if e.rows("external_identities") != 1 {
			t.Fatal("identity not linked")
		}
		// Next time the identity signs in even if the provider's address changed.
		p.m.QueueUser(&mockoidc.MockUser{Subject: "jane-1", Email: "jd@elsewhere.example", EmailVerified: false})
		if r := e.browser().ssoSignIn("oidc", nil); r.status != http.StatusSeeOther {
			t.Fatalf("second sign-in: %d %s", r.status, r.body)
		}

		// An unverified address links nothing.
		p.m.QueueUser(&mockoidc.MockUser{Subject: "mallory", Email: jane.Email, EmailVerified: false})
		if r := e.browser().ssoSignIn("oidc", nil); r.status != http.StatusForbidden || !strings.Contains(string(r.body), "did not confirm") {
			t.Fatalf("unverified email: %d %s", r.status, r.body)
		}
		// No account and no sign-up domain: staff are asked.
		p.m.QueueUser(&mockoidc.MockUser{Subject: "stranger", Email: "who@else.example", EmailVerified: true, PreferredUsername: "who"})
		if r := e.browser().ssoSignIn("oidc", nil); r.status != http.StatusForbidden || e.rows("users") != 2 || e.rows("access_requests") != 1 {
			t.Fatalf("stranger: %d, %d users", r.status, e.rows("users"))
		}
		admin := e.browser()
		admin.login(e.admin.Email, testPassword)
		if r := admin.get("/admin/invitations"); !strings.Contains(string(r.body), "who@else.example") {
			t.Fatal("the access request is not shown to staff")
		}
		// A self sign-up domain creates the account.
		p.m.QueueUser(&mockoidc.MockUser{Subject: "stu", Email: "stu@uni.example.edu", EmailVerified: true, PreferredUsername: "Stu"})
		if r := e.browser().ssoSignIn("oidc", nil); r.status != http.StatusSeeOther {
			t.Fatalf("sign-up domain: %d %s", r.status, r.body)
		}
		if u, err := s.UserByEmail(ctx, "stu@uni.example.edu"); err != nil || u.Name != "Stu" {
			t.Fatalf("signed-up user %+v %v", u, err)
		}

		// An invitation accepted with the provider: account and affiliation.
		e.community("ruby", "Ruby")
		if _, err := e.app.Invite(ctx, e.admin, model.InvitationInput{Email: "nia@example.org", Community: "ruby", Role: "lead"}, 0); err != nil {
			t.Fatal(err)
		}
		token := strings.TrimPrefix(e.mailedLink("nia@example.org", "/invitations/"), "/invitations/")
		p.m.QueueUser(&mockoidc.MockUser{Subject: "nia", Email: "nia.private@mail.example", EmailVerified: true, PreferredUsername: "Nia"})
		nb := e.browser()
		if r := nb.ssoSignIn("oidc", url.Values{"invitation": {token}}); r.status != http.StatusSeeOther {
			t.Fatalf("invitation with the provider: %d %s", r.status, r.body)
		}
		if r := nb.get("/account"); !strings.Contains(string(r.body), "Ruby") {
			t.Fatal("no affiliation after accepting with the provider")
		}
	})
}

func TestOIDCRefusesBadAnswers(t *testing.T) {
	p := newIDP(t)
	g := newFakeGitHub(t)
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newSSOEnv(t, s, p, g)
		e.user("jane.doe@example.com", "Jane Doe", model.RoleMember)
		queue := func() {
			p.m.QueueUser(&mockoidc.MockUser{Subject: "jane", Email: "jane.doe@example.com", EmailVerified: true})
		}

		// Wrong state, no pending sign-in, and a replayed callback.
		queue()
		b := e.browser()
		r := b.post("/login/sso/oidc", nil)
		callback := b.providerAnswer(r.header.Get("Location"))
		u, _ := url.Parse(callback)
		q := u.Query()
		q.Set("state", "forged")
		if r := b.get("/login/sso/oidc/callback?" + q.Encode()); r.status != http.StatusForbidden {
			t.Fatalf("wrong state: %d", r.status)
		}
		if r := b.get(strings.TrimPrefix(callback, e.srv.URL)); r.status != http.StatusForbidden {
			t.Fatalf("callback after the pending sign-in was used: %d", r.status)
		}
		if r := e.browser().get(strings.TrimPrefix(callback, e.srv.URL)); r.status != http.StatusForbidden {
			t.Fatalf("callback in another browser: %d", r.status)
		}
		if r := e.browser().get("/login/sso/nope/callback"); r.status != http.StatusNotFound {
			t.Fatalf("unknown provider: %d", r.status)
		}

		for name, f := range map[string]func(jwt.MapClaims) string{
			"wrong nonce":    func(c jwt.MapClaims) string { c["nonce"] = "other"; return "" },
			"wrong issuer":   func(c jwt.MapClaims) string { c["iss"] = "https://evil.example"; return "" },
			"wrong audience": func(c jwt.MapClaims) string { c["aud"] = "another-client"; return "" },
			"expired":        func(c jwt.MapClaims) string { c["exp"] = time.Now().Add(-time.Hour).Unix(); return "" },
			"unsigned":       unsigned,
			"bad signature": func(c jwt.MapClaims) string {
				tok, _ := p.m.Keypair.SignJWT(c)
				parts := strings.Split(tok, ".")
				c["sub"] = "someone-else"
				b, _ := json.Marshal(c)
				return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
			},
		} {
			p.set(f)
			queue()
			if r := e.browser().ssoSignIn("oidc", nil); r.status != http.StatusForbidden || !bytes.Contains(r.body, []byte("Sign-in failed")) {
				t.Errorf("%s: %d", name, r.status)
			}
		}
		p.set(nil)
		if e.rows("external_identities") != 0 {
			t.Fatal("a refused answer linked an identity")
		}
	})
}

func TestGitHubSignInAndPasswordOff(t *testing.T) {
	p := newIDP(t)
	g := newFakeGitHub(t)
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newSSOEnv(t, s, p, g)
		e.user("octo@example.org", "Octo", model.RoleMember)
		g.mu.Lock()
		g.emails = []map[string]any{{"email": "octo@example.org", "primary": true, "verified": false}, {"email": "x@example.org", "primary": false, "verified": true}}
		g.mu.Unlock()
		if r := e.browser().ssoSignIn("github", nil); r.status != http.StatusForbidden {
			t.Fatalf("unverified primary email: %d %s", r.status, r.body)
		}
		g.mu.Lock()
		g.emails[0]["verified"] = true
		g.mu.Unlock()
		b := e.browser()
		if r := b.ssoSignIn("github", nil); r.status != http.StatusSeeOther {
			t.Fatalf("GitHub sign-in: %d %s", r.status, r.body)
		}
		if r := b.get("/account"); r.status != 200 || !strings.Contains(string(r.body), "octo@example.org") {
			t.Fatalf("not signed in: %d", r.status)
		}

		// Password sign-in off: the form is gone and posting it is refused.
		e.app.SignIn.PasswordOff = true
		if r := e.browser().get("/login"); strings.Contains(string(r.body), `name="password"`) {
			t.Fatal("the password form is still shown")
		}
		if r := e.browser().login("octo@example.org", testPassword); r.status != http.StatusForbidden {
			t.Fatalf("password sign-in while off: %d", r.status)
		}
		if r := e.browser().post("/password-reset", url.Values{"email": {"octo@example.org"}}); r.status != http.StatusForbidden {
			t.Fatalf("password reset while off: %d", r.status)
		}
	})
}
