#include "sinks/stream_connection.h"

#include "file_io.h"

#include <cerrno>
#include <cstring>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vigil {

struct StreamConnection::Tls {
  SSL_CTX* context = nullptr;
  SSL* session = nullptr;
  ~Tls() {
    if (session != nullptr) SSL_free(session);
    if (context != nullptr) SSL_CTX_free(context);
  }
};

namespace {

std::string openssl_error(const char* what) {
  unsigned long code = ERR_get_error();
  char text[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return std::string(what) + ": " + text;
}

void set_timeouts(int fd, unsigned timeout_ms) {
  set_socket_timeout(fd, SO_SNDTIMEO, timeout_ms);
  set_socket_timeout(fd, SO_RCVTIMEO, timeout_ms);
}

// connect() bounded by `timeout_ms`: non-blocking, then poll.
bool connect_within(int fd, const sockaddr* address, socklen_t size, unsigned timeout_ms) {
  int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int result = ::connect(fd, address, size);
  if (result != 0 && errno == EINPROGRESS) {
    pollfd waiting{fd, POLLOUT, 0};
    int ready = retry_interrupted([&] { return poll(&waiting, 1, static_cast<int>(timeout_ms)); });
    int error = ready == 1 ? 0 : ETIMEDOUT;
    socklen_t length = sizeof error;
    if (ready == 1) getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    errno = error;
    result = error == 0 ? 0 : -1;
  }
  fcntl(fd, F_SETFL, flags);
  return result == 0;
}

}  // namespace

std::optional<StreamAddress> parse_stream_address(std::string_view text) {
  StreamAddress address;
  if (text.starts_with("tcp://")) {
    text.remove_prefix(6);
  } else if (text.starts_with("tls://")) {
    address.tls = true;
    text.remove_prefix(6);
  } else {
    return std::nullopt;
  }
  std::size_t colon;
  if (text.starts_with('[')) {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
    address.host = text.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    address.host = text.substr(0, colon);
  }
  address.port = text.substr(colon + 1);
  if (address.host.empty() || address.port.empty() ||
      address.port.find_first_not_of("0123456789") != std::string::npos || address.port.size() > 5) {
    return std::nullopt;
  }
  return address;
}

StreamConnection::StreamConnection(StreamAddress address, const SinkSettings& settings)
    : address_(std::move(address)), settings_(settings) {}

StreamConnection::~StreamConnection() { close(); }

bool StreamConnection::connect(unsigned timeout_ms, std::string& error) {
  close();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int status = getaddrinfo(address_.host.c_str(), address_.port.c_str(), &hints, &found); status != 0) {
    error = "cannot resolve " + address_.host + ": " + gai_strerror(status);
    return false;
  }
  error = "no address for " + address_.host;
  for (addrinfo* candidate = found; candidate != nullptr && fd_ < 0; candidate = candidate->ai_next) {
    int fd = socket(candidate->ai_family, candidate->ai_socktype | SOCK_CLOEXEC, candidate->ai_protocol);
    if (fd < 0) continue;
    fd = move_above_stdio(fd);
    if (fd < 0) continue;
    if (connect_within(fd, candidate->ai_addr, candidate->ai_addrlen, timeout_ms)) {
      fd_ = fd;
    } else {
      error = "cannot connect to " + address_.host + ":" + address_.port + ": " + std::strerror(errno);
      ::close(fd);
    }
  }
  freeaddrinfo(found);
  if (fd_ < 0) return false;
  set_timeouts(fd_, timeout_ms);
  int on = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (!address_.tls) return true;

  tls_ = std::make_unique<Tls>();
  tls_->context = SSL_CTX_new(TLS_client_method());
  bool ready = tls_->context != nullptr && SSL_CTX_set_min_proto_version(tls_->context, TLS1_2_VERSION) == 1;
  if (ready) {
    SSL_CTX_set_verify(tls_->context, SSL_VERIFY_PEER, nullptr);
    ready = settings_.tls_ca.empty() ? SSL_CTX_set_default_verify_paths(tls_->context) == 1
                                     : SSL_CTX_load_verify_locations(tls_->context, settings_.tls_ca.c_str(), nullptr) == 1;
  }
  if (ready && !settings_.tls_cert.empty()) {
    ready = SSL_CTX_use_certificate_chain_file(tls_->context, settings_.tls_cert.c_str()) == 1 &&
            SSL_CTX_use_PrivateKey_file(tls_->context, settings_.tls_key.c_str(), SSL_FILETYPE_PEM) == 1;
  }
  if (ready) {
    tls_->session = SSL_new(tls_->context);
    const std::string& name = settings_.tls_name.empty() ? address_.host : settings_.tls_name;
    ready = tls_->session != nullptr && SSL_set_fd(tls_->session, fd_) == 1;
    // An address is checked against the certificate's IP entries, a name
    // against its DNS names (and sent as SNI).
    in6_addr ip{};
    bool numeric = inet_pton(AF_INET, name.c_str(), &ip) == 1 || inet_pton(AF_INET6, name.c_str(), &ip) == 1;
    if (ready && numeric) {
      ready = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(tls_->session), name.c_str()) == 1;
    } else if (ready) {
      ready = SSL_set_tlsext_host_name(tls_->session, name.c_str()) == 1 && SSL_set1_host(tls_->session, name.c_str()) == 1;
    }
  }
  if (ready && SSL_connect(tls_->session) == 1) return true;
  long verdict = tls_->session != nullptr ? SSL_get_verify_result(tls_->session) : X509_V_OK;
  error = verdict != X509_V_OK ? std::string("TLS: the collector's certificate is not trusted: ") +
                                     X509_verify_cert_error_string(verdict)
                               : openssl_error("TLS");
  close();
  return false;
}

bool StreamConnection::send_all(std::string_view bytes, unsigned timeout_ms, std::string& error) {
  set_timeouts(fd_, timeout_ms);
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    if (tls_) {
      std::size_t written = 0;
      if (SSL_write_ex(tls_->session, bytes.data() + sent, bytes.size() - sent, &written) == 1) {
        sent += written;
        continue;
      }
      error = openssl_error("TLS write");
    } else {
      ssize_t n = retry_interrupted([&] { return send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL); });
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
        continue;
      }
      error = std::string("send: ") + (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? "timed out" : std::strerror(errno));
    }
    close();
    return false;
  }
  return true;
}

bool StreamConnection::peer_closed() {
  if (fd_ < 0) return true;
  pollfd waiting{fd_, POLLIN | POLLRDHUP, 0};
  if (poll(&waiting, 1, 0) == 0) return false;
  if ((waiting.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return true;
  // Something to read: a TLS server's session tickets, or bytes a plain
  // collector had no reason to send. Read and ignored without blocking; only
  // an end or an error counts as closed.
  char buffer[4096];
  int flags = fcntl(fd_, F_GETFL);
  fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
  bool closed;
  if (tls_) {
    std::size_t read = 0;
    int result = SSL_read_ex(tls_->session, buffer, sizeof buffer, &read);
    int error = result == 1 ? SSL_ERROR_NONE : SSL_get_error(tls_->session, result);
    closed = error != SSL_ERROR_NONE && error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE;
    ERR_clear_error();
  } else {
    ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
  }
  fcntl(fd_, F_SETFL, flags);
  return closed;
}

void StreamConnection::close() {
  if (tls_ && tls_->session != nullptr && fd_ >= 0) SSL_shutdown(tls_->session);
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void StreamConnection::abandon() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  // The parent's delivery thread may have been inside OpenSSL at the fork:
  // the copies are left alone rather than freed in an unknown state.
  static_cast<void>(tls_.release());
}

}  // namespace vigil
