#!/usr/bin/python3
"""A Modbus TCP server for the modbus source's integration tests, built on
Debian's python3-pymodbus (3.0), so the peer is code no one here wrote.

    modbus_peer.py PORT CONTROL_FIFO [TABLE ADDRESS VALUE]...

Serves 100 holding registers, input registers, coils and discrete inputs,
at zero-based addresses on 127.0.0.1:PORT: all 0 but those given as
arguments, which hold their values before the first client connects (as a
PLC's retained counters after a power cut). Reads commands, one a line,
from CONTROL_FIFO:

    set TABLE ADDRESS VALUE    TABLE is hr, ir, co or di
    add TABLE ADDRESS N        a register counts up by N, wrapping at 65536
    quit
"""
import asyncio
import sys
import threading
import types

# pymodbus.server imports pyserial and pyserial-asyncio for its serial
# server, which python3-pymodbus only recommends (python3-serial-asyncio).
# The TCP server needs neither: stand in empty modules when they are absent.
for missing in ("serial", "serial_asyncio"):
    try:
        __import__(missing)
    except ImportError:
        stub = types.ModuleType(missing)
        stub.create_serial_connection = None
        sys.modules[missing] = stub

from pymodbus.datastore import (ModbusSequentialDataBlock, ModbusServerContext,
                                ModbusSlaveContext)
from pymodbus.server.async_io import ModbusTcpServer

FUNCTION = {"co": 1, "di": 2, "hr": 3, "ir": 4}


def control(path, slave, loop, stop):
    with open(path, "r", encoding="ascii") as commands:
        for line in commands:
            words = line.split()
            if not words:
                continue
            if words[0] == "quit":
                break
            table, address, number = FUNCTION[words[1]], int(words[2]), int(words[3])
            if words[0] == "add":
                number = (slave.getValues(table, address, 1)[0] + number) % 65536

            def apply(table=table, address=address, number=number):
                slave.setValues(table, address, [number])

            loop.call_soon_threadsafe(apply)
            # One write, so that pymodbus's log lines on stderr cannot split it.
            sys.stdout.write(f"applied {line.strip()}\n")
            sys.stdout.flush()
    loop.call_soon_threadsafe(stop.set)


async def main(port, fifo, initial):
    slave = ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, [0] * 100),
        co=ModbusSequentialDataBlock(0, [0] * 100),
        hr=ModbusSequentialDataBlock(0, [0] * 100),
        ir=ModbusSequentialDataBlock(0, [0] * 100),
        zero_mode=True)
    for table, address, value in zip(initial[0::3], initial[1::3], initial[2::3]):
        slave.setValues(FUNCTION[table], int(address), [int(value)])
    context = ModbusServerContext(slaves=slave, single=True)
    server = ModbusTcpServer(context, address=("127.0.0.1", port), allow_reuse_address=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    threading.Thread(target=control, args=(fifo, slave, loop, stop), daemon=True).start()
    serving = asyncio.ensure_future(server.serve_forever())
    await stop.wait()
    await server.server_close()
    serving.cancel()


if __name__ == "__main__":
    if len(sys.argv) < 3 or (len(sys.argv) - 3) % 3 != 0:
        sys.exit("usage: modbus_peer.py PORT CONTROL_FIFO [TABLE ADDRESS VALUE]...")
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3:]))
