# Sourced by integration tests: free_port prints a loopback TCP port the
# kernel says is free (a random port can collide with a client's ephemeral
# port on a busy machine).
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
