export default {
  'action.cloneEllipsis': 'Clone…',
  'clone.title': 'Clone {name}',
  'clone.body':
    'The copy gets its own disks (copied in their storage pools), UUID and network addresses. Install images stay shared.',
  'clone.confirm': 'Clone',
  'clone.busy': 'Copying disks…',
  'clone.done': '{name} was created',
  'clone.failed': 'Could not clone “{name}”.',
};
