#!/usr/bin/env python3
"""Listens on 127.0.0.1:PORT and never accepts, until killed: another process holding a port.

    hold_port.py PORT
"""
import signal
import socket
import sys

holder = socket.socket()
holder.bind(("127.0.0.1", int(sys.argv[1])))
holder.listen()
signal.pause()
