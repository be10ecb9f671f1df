#!/usr/bin/env python3
"""Listens on 127.0.0.1:PORT and never accepts, until killed: another process holding a port.

    hold_port.py PORT
"""
import signal
import socket
import sys

holder = socket.socket()
# As a server would: a connection of the port's last owner still in TIME_WAIT does not stop it.
holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
holder.bind(("127.0.0.1", int(sys.argv[1])))
holder.listen()
signal.pause()
