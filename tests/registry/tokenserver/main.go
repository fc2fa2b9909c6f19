// Command tokenserver issues registry bearer tokens as the Docker token specification describes
// (https://distribution.github.io/distribution/spec/auth/token/): GET /token with basic
// credentials, or POST /token with grant_type=refresh_token (Docker's identitytoken), answers
// with a JWT signed by the key whose certificate is the registry's rootcertbundle. It grants
// every requested action to a known user and nothing to anyone else, and counts what it served
// on GET /stats so tests can see how often a client came back.
//
// With -blobs it also stands in for the blob storage a registry redirects to (a CDN or a bucket,
// as GHCR and Docker Hub do): /blobs/PATH serves DIR/PATH, and /stats counts those requests and
// how many of them carried an Authorization header, which a client must not send there.
package main

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

type access struct {
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

type server struct {
	key          *ecdsa.PrivateKey
	certDER      []byte
	issuer       string
	service      string
	user         string
	password     string
	refreshToken string
	lifetime     time.Duration
	issued       atomic.Int64
	refused      atomic.Int64
	blobs        atomic.Int64
	blobsAuthed  atomic.Int64
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	portFile := flag.String("port-file", "", "write the chosen port here once listening")
	keyFile := flag.String("key", "", "PEM private key (ECDSA P-256) that signs the tokens")
	certFile := flag.String("cert", "", "PEM certificate of that key (the registry's rootcertbundle)")
	issuer := flag.String("issuer", "signalbox-token-server", "iss claim")
	service := flag.String("service", "signalbox-registry", "the service (aud claim) tokens are for")
	user := flag.String("user", "", "the one user name accepted")
	passwordFile := flag.String("password-file", "", "file holding that user's password")
	refreshFile := flag.String("refresh-token-file", "", "file holding a refresh token (identitytoken) for that user")
	lifetime := flag.Duration("lifetime", 5*time.Minute, "token lifetime")
	blobs := flag.String("blobs", "", "serve this directory under /blobs/, as redirected blob storage")
	flag.Parse()

	s := &server{issuer: *issuer, service: *service, user: *user, lifetime: *lifetime}
	var err error
	if s.key, s.certDER, err = loadKeyPair(*keyFile, *certFile); err != nil {
		log.Fatal(err)
	}
	s.password = readSecret(*passwordFile)
	s.refreshToken = readSecret(*refreshFile)

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	if *portFile != "" {
		port := ln.Addr().(*net.TCPAddr).Port
		if err := os.WriteFile(*portFile, []byte(fmt.Sprintf("%d\n", port)), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/token", s.token)
	mux.HandleFunc("/stats", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]int64{
			"issued": s.issued.Load(), "refused": s.refused.Load(),
			"blobs": s.blobs.Load(), "blobsWithAuthorization": s.blobsAuthed.Load(),
		})
	})
	if *blobs != "" {
		files := http.StripPrefix("/blobs", http.FileServer(http.Dir(*blobs)))
		mux.HandleFunc("/blobs/", func(w http.ResponseWriter, r *http.Request) {
			s.blobs.Add(1)
			if r.Header.Get("Authorization") != "" {
				s.blobsAuthed.Add(1)
			}
			files.ServeHTTP(w, r)
		})
	}
	log.Printf("token server on %s", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}

func readSecret(path string) string {
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func loadKeyPair(keyFile, certFile string) (*ecdsa.PrivateKey, []byte, error) {
	kb, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, err
	}
	block, _ := pem.Decode(kb)
	if block == nil {
		return nil, nil, fmt.Errorf("%s: no PEM block", keyFile)
	}
	var key any
	if key, err = x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		if key, err = x509.ParseECPrivateKey(block.Bytes); err != nil {
			return nil, nil, fmt.Errorf("%s: %v", keyFile, err)
		}
	}
	ec, ok := key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, nil, fmt.Errorf("%s: not an ECDSA key", keyFile)
	}
	cb, err := os.ReadFile(certFile)
	if err != nil {
		return nil, nil, err
	}
	cblock, _ := pem.Decode(cb)
	if cblock == nil {
		return nil, nil, fmt.Errorf("%s: no PEM block", certFile)
	}
	return ec, cblock.Bytes, nil
}

func equal(a, b string) bool {
	return b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// authenticate returns the subject of the request, or "" for an unknown caller.
func (s *server) authenticate(r *http.Request) (subject string, presented bool) {
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			return "", true
		}
		switch r.PostForm.Get("grant_type") {
		case "refresh_token":
			return map[bool]string{true: s.user}[equal(r.PostForm.Get("refresh_token"), s.refreshToken)], true
		case "password":
			ok := r.PostForm.Get("username") == s.user && equal(r.PostForm.Get("password"), s.password)
			return map[bool]string{true: s.user}[ok], true
		}
		return "", true
	}
	user, password, ok := r.BasicAuth()
	if !ok {
		return "", false
	}
	return map[bool]string{true: s.user}[user == s.user && equal(password, s.password)], true
}

func (s *server) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	subject, presented := s.authenticate(r)
	query := r.URL.Query()
	if r.Method == http.MethodPost {
		query = r.PostForm
	}
	if subject == "" {
		s.refused.Add(1)
		w.Header().Set("WWW-Authenticate", `Basic realm="signalbox-token-server"`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		msg := "authentication required"
		if presented {
			msg = "invalid credentials"
		}
		json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": "UNAUTHORIZED", "message": msg}}})
		return
	}
	if query.Get("service") != s.service {
		http.Error(w, "unknown service", http.StatusBadRequest)
		return
	}
	var grants []access
	for _, scope := range query["scope"] {
		for _, one := range strings.Fields(scope) {
			parts := strings.Split(one, ":")
			if len(parts) < 3 {
				continue
			}
			grants = append(grants, access{
				Type:    parts[0],
				Name:    strings.Join(parts[1:len(parts)-1], ":"),
				Actions: strings.Split(parts[len(parts)-1], ","),
			})
		}
	}
	now := time.Now()
	token, err := s.sign(map[string]any{
		"iss":    s.issuer,
		"sub":    subject,
		"aud":    s.service,
		"iat":    now.Unix(),
		"nbf":    now.Add(-time.Minute).Unix(),
		"exp":    now.Add(s.lifetime).Unix(),
		"jti":    fmt.Sprintf("%d-%d", now.UnixNano(), s.issued.Load()),
		"access": grants,
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.issued.Add(1)
	w.Header().Set("Content-Type", "application/json")
	answer := map[string]any{
		"token":      token,
		"expires_in": int(s.lifetime.Seconds()),
		"issued_at":  now.UTC().Format(time.RFC3339),
	}
	if r.Method == http.MethodPost {
		// The OAuth2 form of the answer names it access_token.
		answer = map[string]any{"access_token": token, "expires_in": int(s.lifetime.Seconds()),
			"issued_at": now.UTC().Format(time.RFC3339)}
	}
	json.NewEncoder(w).Encode(answer)
}

// sign makes an ES256 JWS whose x5c header carries the certificate the registry trusts.
func (s *server) sign(claims map[string]any) (string, error) {
	header, _ := json.Marshal(map[string]any{
		"typ": "JWT",
		"alg": "ES256",
		"x5c": []string{base64.StdEncoding.EncodeToString(s.certDER)},
	})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signingInput := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signingInput))
	r, sig, err := ecdsa.Sign(rand.Reader, s.key, digest[:])
	if err != nil {
		return "", err
	}
	out := make([]byte, 64)
	r.FillBytes(out[:32])
	sig.FillBytes(out[32:])
	return signingInput + "." + enc.EncodeToString(out), nil
}
