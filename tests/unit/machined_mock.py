'''python-dbusmock template: a stand-in for systemd-machined (org.freedesktop.machine1)

Manager.GetMachine and Manager.GetMachineByPID answer for the machines a test
adds with org.freedesktop.DBus.Mock.AddMachine; each machine is an object
with the org.freedesktop.machine1.Machine properties machined has. A machine
named "slow" takes 5 s to be found, for deadline tests.
'''

import time

import dbus

from dbusmock import MOCK_IFACE

BUS_NAME = 'org.freedesktop.machine1'
MAIN_OBJ = '/org/freedesktop/machine1'
MAIN_IFACE = 'org.freedesktop.machine1.Manager'
MACHINE_IFACE = 'org.freedesktop.machine1.Machine'
SYSTEM_BUS = True

SLOW_MACHINE = 'slow'
SLOW_SECONDS = 5


def machine_path(name):
    '''machined's object path: sd_bus_path_encode() of the name'''
    label = ''.join(c if c.isascii() and c.isalnum() else f'_{ord(c):02x}' for c in name)
    return f'{MAIN_OBJ}/machine/{label}'


def get_machine(self, name):
    if name == SLOW_MACHINE:
        time.sleep(SLOW_SECONDS)
    if name not in self.machines:
        raise dbus.exceptions.DBusException(f'No machine \'{name}\' known',
                                            name='org.freedesktop.machine1.NoSuchMachine')
    return dbus.ObjectPath(machine_path(name))


def get_machine_by_pid(self, pid):
    for name, leader in self.machines.items():
        if leader == pid:
            return dbus.ObjectPath(machine_path(name))
    raise dbus.exceptions.DBusException(f'PID {pid} does not belong to any known machine',
                                        name='org.freedesktop.machine1.NoMachineForPID')


def load(mock, parameters):
    mock.machines = {}
    mock.AddMethods(MAIN_IFACE, [
        ('GetMachine', 's', 'o', get_machine),
        ('GetMachineByPID', 'u', 'o', get_machine_by_pid),
    ])


@dbus.service.method(MOCK_IFACE, in_signature='sayssusst', out_signature='o')
def AddMachine(self, name, machine_id, service, machine_class, leader, root_directory, unit,
               timestamp):
    path = machine_path(name)
    self.AddObject(path, MACHINE_IFACE, {
        'Name': dbus.String(name),
        'Id': dbus.Array([dbus.Byte(b) for b in machine_id], signature='y'),
        'Timestamp': dbus.UInt64(timestamp),
        'TimestampMonotonic': dbus.UInt64(0),
        'Service': dbus.String(service),
        'Unit': dbus.String(unit),
        'Leader': dbus.UInt32(leader),
        'Class': dbus.String(machine_class),
        'RootDirectory': dbus.String(root_directory),
        'NetworkInterfaces': dbus.Array([], signature='i'),
        'State': dbus.String('running'),
    }, [])
    self.machines[name] = int(leader)
    return dbus.ObjectPath(path)


@dbus.service.method(MOCK_IFACE, in_signature='s', out_signature='')
def RemoveMachine(self, name):
    self.machines.pop(name, None)
    self.RemoveObject(machine_path(name))
