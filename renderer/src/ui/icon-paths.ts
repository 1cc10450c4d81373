/** The symbolic icons' shapes (16×16 SVG paths), apart from the component so plain-TS modules can name them. */
export const iconPaths = {
  play: 'M4 2.5v11l9.5-5.5z',
  pause: 'M3.5 2h3v12h-3zM9.5 2h3v12h-3z',
  stop: 'M3 3h10v10H3z',
  power: 'M7 1h2v7H7zM4.2 3.3l1.3 1.5A4.5 4.5 0 1 0 10.5 4.8l1.3-1.5A6.5 6.5 0 1 1 4.2 3.3z',
  reboot: 'M8 2a6 6 0 1 0 6 6h-2a4 4 0 1 1-1.2-2.8L9 7h5V2l-1.8 1.8A6 6 0 0 0 8 2z',
  reset: 'M2 8a6 6 0 0 1 10.2-4.2L14 2v5H9l1.8-1.8A4 4 0 1 0 12 8h2A6 6 0 0 1 2 8zM7 6h2v4H7z',
  save: 'M2 2h9l3 3v9H2zM4 4v3h6V4zM5 10a3 2 0 1 0 6 0a3 2 0 1 0-6 0',
  restore: 'M8 1l4 4H9v5H7V5H4zM2 11h2v2h8v-2h2v4H2z',
  trash: 'M6 1h4v1h4v2H2V2h4zM3 5h10l-1 10H4z',
  edit: 'M11 1.5l3.5 3.5L6 13.5H2.5V10zM10 4.5 11.5 6',
  plus: 'M7 2h2v5h5v2H9v5H7V9H2V7h5z',
  menu: 'M2 3h12v2H2zM2 7h12v2H2zM2 11h12v2H2z',
  search:
    'M6.5 1a5.5 5.5 0 0 1 4.4 8.8l3.8 3.8-1.4 1.4-3.8-3.8A5.5 5.5 0 1 1 6.5 1zm0 2a3.5 3.5 0 1 0 0 7a3.5 3.5 0 0 0 0-7z',
  computer: 'M1 2h14v9H1zM3 4v5h10V4zM5 13h6v1.5H5z',
  server: 'M2 2h12v5H2zM2 9h12v5H2zM4 4v1h2V4zM4 11v1h2v-1z',
  link: 'M5 1h2v4H5zM9 1h2v4H9zM3 5h10v3a5 5 0 0 1-4 4.9V15H7v-2.1A5 5 0 0 1 3 8z',
  unlink: 'M8 2l6 7H2zM2 11h12v2H2z',
  offline:
    'M5 1h2v4H5zM9 1h2v4H9zM3 5h10v3a5 5 0 0 1-4 4.9V15H7v-2.1A5 5 0 0 1 3 8zM1.3 2.7 2.7 1.3l12 12-1.4 1.4z',
  check: 'M6 10.6 2.7 7.3 1.3 8.7 6 13.4l8.7-8.7-1.4-1.4z',
  close: 'M3.4 2 8 6.6 12.6 2 14 3.4 9.4 8l4.6 4.6-1.4 1.4L8 9.4 3.4 14 2 12.6 6.6 8 2 3.4z',
  back: 'M10.6 2 4.6 8l6 6 1.4-1.4L7.4 8 12 3.4z',
  sortUp: 'M8 4l4 5H4z',
  sortDown: 'M8 12 4 7h8z',
  star: 'M8 1l2.2 4.5 4.8.7-3.5 3.4.8 4.9L8 12.2l-4.3 2.3.8-4.9L1 6.2l4.8-.7z',
  refresh: 'M8 2a6 6 0 1 0 6 6h-2a4 4 0 1 1-1.2-2.8L9 7h5V2l-1.8 1.8A6 6 0 0 0 8 2z',
  keyboard: 'M1 4h14v8H1zM3 6v1h1V6zM5 6v1h1V6zM7 6v1h1V6zM9 6v1h1V6zM11 6v1h2V6zM4 9v1h8V9z',
  crashed: 'M8 1 15 14H1zM7 6v4h2V6zM7 11v2h2v-2z',
  copy: 'M5 1h9v10h-2V3H5zM2 4h8v11H2z',
  info: 'M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1zM7 7v5h2V7zM7 4v2h2V4z',
  moon: 'M9 1a6 6 0 1 0 6 8A5 5 0 0 1 9 1z',
  terminal: 'M1 2h14v12H1zM2.5 3.5v9h11v-9zM4 5l3 2.5L4 10V8.3l1.2-.8L4 6.7zM8 9h4v1.5H8z',
  storage: 'M2 2h12v3.5H2zM2 6.25h12v3.5H2zM2 10.5h12V14H2zM11 3v1.5h1.5V3z',
  memory:
    'M2 4h12v8H2zM4 6v4h2V6zM7 6v4h2V6zM10 6v4h2V6zM3 12.5h1.5V14H3zM7.25 12.5h1.5V14h-1.5zM11.5 12.5H13V14h-1.5z',
  network: 'M6 1h4v4H8.75v1.5H14V10h1v4h-4v-4h1.5V8H3.5v2H5v4H1v-4h1V6.5h5.25V5H6z',
} as const;

export type IconName = keyof typeof iconPaths;
