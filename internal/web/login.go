package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"consortia/internal/app"
	"consortia/internal/identity"
)

// LoginForm shows the sign-in form.
func (ui *UI) LoginForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if user(r) != nil {
			redirect(w, r, safeNext(r.URL.Query().Get("next")))
			return nil
		}
		p := ui.loginPage(r)
		p.Form = r.URL.Query()
		ui.render(w, r, http.StatusOK, "login", p)
		return nil
	})
}

// Login checks the credentials and starts a session.
func (ui *UI) Login() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p := ui.loginPage(r)
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "login", p)
			return nil
		}
		u, err := ui.app.Authenticate(r.Context(), r.PostForm.Get("email"), r.PostForm.Get("password"), clientAddress(r))
		if err != nil {
			r.PostForm.Del("password")
			ui.formFailed(w, r, err, "login", p)
			return nil
		}
		if err := identity.SignIn(r.Context(), ui.sessions, u); err != nil {
			return err
		}
		ui.flash(r, "Welcome back, "+u.Name+".")
		redirect(w, r, safeNext(r.PostForm.Get("next")))
		return nil
	})
}

type loginData struct {
	Providers      []app.ProviderInfo
	PasswordSignIn bool
}

func (ui *UI) loginPage(r *http.Request) *Page {
	return ui.page(r, "Sign in", "login", loginData{Providers: ui.app.Providers(), PasswordSignIn: ui.app.PasswordSignIn()})
}

// Logout ends the session.
func (ui *UI) Logout() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := identity.SignOut(r.Context(), ui.sessions); err != nil {
			return err
		}
		redirect(w, r, "/")
		return nil
	})
}

// safeNext keeps post-sign-in redirects on this site: only a same-origin
// path ("/consortia/x?tab=1#a") passes, anything else becomes "/". Browsers
// drop tabs and line breaks from a Location and read a backslash as "/", so
// "/\t/evil.example" would land on "//evil.example"; such characters are
// refused in the raw target and in its decoded path alike.
func safeNext(next string) string {
	if len(next) > 2048 || !strings.HasPrefix(next, "/") || unsafeInTarget(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	if strings.HasPrefix(u.Path, "//") || unsafeInTarget(u.Path) {
		return "/"
	}
	return next
}

// unsafeInTarget reports a character a browser may strip or reinterpret in
// a redirect target: backslashes, spaces and everything not printable
// (control characters, Unicode spaces, invisible formatting characters).
func unsafeInTarget(s string) bool {
	return !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return r == '\\' || r == ' ' || !unicode.IsPrint(r)
	})
}

// clientAddress is the peer's IP, the key for per-address rate limiting.
// Behind a proxy, the proxy's address is used: trusting a forwarded header
// would let anyone pick their own key.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
