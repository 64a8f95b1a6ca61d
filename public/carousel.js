// The demo home page: shows the carousel of GET /api/home/banners. It keeps the last ETag and body
// in localStorage and revalidates with If-None-Match, so a reload of unchanged banners costs a 304
// with no body.

const BANNERS_URL = '/api/home/banners';
const STORAGE_KEY = 'banner-tasks:home-banners';
const ADVANCE_MS = 5_000;

const carousel = document.querySelector('.carousel');
const slides = carousel.querySelector('.slides');
const dots = carousel.querySelector('.dots');
const previous = carousel.querySelector('.previous');
const next = carousel.querySelector('.next');
const statusLine = document.querySelector('.status');

/** The stored `{ etag, banners }`, or null when there is none or it is unreadable. */
function readStored() {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY));
    return typeof stored?.etag === 'string' && Array.isArray(stored.banners) ? stored : null;
  } catch {
    return null;
  }
}

function store(etag, banners) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ etag, banners }));
  } catch {
    // Storage full or disabled: the page still works, it just revalidates nothing next time.
  }
}

/** The banners and where they came from: `network` (200) or `stored` (304). */
async function loadBanners() {
  const stored = readStored();
  const response = await fetch(BANNERS_URL, {
    headers: stored ? { 'If-None-Match': stored.etag } : {},
    // Past the browser's own HTTP cache, so that the request (and the 304) is the page's to handle.
    cache: 'no-store',
  });
  if (response.status === 304 && stored) return { banners: stored.banners, source: 'stored' };
  if (!response.ok) {
    const error = await response.json().catch(() => ({}));
    throw new Error(error.message ?? `${response.status} ${response.statusText}`);
  }
  const banners = await response.json();
  const etag = response.headers.get('ETag');
  if (etag) store(etag, banners);
  return { banners, source: 'network' };
}

/** Only http(s) links become anchors: a banner's link must not run script. */
function safeHref(link) {
  try {
    const url = new URL(link, location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function renderSlide(banner) {
  const slide = document.createElement('article');
  slide.className = 'slide';
  slide.setAttribute('aria-roledescription', 'slide');

  const image = document.createElement('img');
  image.src = banner.image;
  image.alt = banner.name;
  const href = safeHref(banner.link);
  if (href) {
    const anchor = document.createElement('a');
    anchor.href = href;
    anchor.append(image);
    slide.append(anchor);
  } else {
    slide.append(image);
  }

  const caption = document.createElement('div');
  caption.className = 'caption';
  const name = document.createElement('h2');
  name.textContent = banner.name;
  caption.append(name);
  if (banner.info) {
    const info = document.createElement('p');
    info.textContent = banner.info;
    caption.append(info);
  }
  slide.append(caption);
  return slide;
}

function startCarousel(banners) {
  const items = banners.map(renderSlide);
  slides.replaceChildren(...items);
  const buttons = items.map((_, index) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('aria-label', `Banner ${index + 1}: ${banners[index].name}`);
    button.addEventListener('click', () => show(index));
    return button;
  });
  dots.replaceChildren(...buttons);
  carousel.hidden = false;

  let current = 0;
  function show(index) {
    current = (index + items.length) % items.length;
    items.forEach((item, i) => item.classList.toggle('current', i === current));
    buttons.forEach((button, i) => button.setAttribute('aria-current', String(i === current)));
  }
  show(0);
  if (items.length < 2) return;

  previous.hidden = false;
  next.hidden = false;
  previous.addEventListener('click', () => show(current - 1));
  next.addEventListener('click', () => show(current + 1));

  // Stands still for readers who ask for less motion, and while the pointer or focus is on it.
  if (matchMedia('(prefers-reduced-motion: reduce)').matches) return;
  let paused = false;
  const pause = () => (paused = true);
  const resume = () => (paused = false);
  carousel.addEventListener('mouseenter', pause);
  carousel.addEventListener('mouseleave', resume);
  carousel.addEventListener('focusin', pause);
  carousel.addEventListener('focusout', resume);
  setInterval(() => paused || show(current + 1), ADVANCE_MS);
}

try {
  const { banners, source } = await loadBanners();
  document.body.dataset.bannersFrom = source;
  if (banners.length === 0) {
    statusLine.textContent = 'No banners to show yet (run npm run seed).';
  } else {
    startCarousel(banners);
    const from = source === 'stored' ? 'unchanged (304), shown from the stored copy' : 'loaded (200)';
    statusLine.textContent = `${banners.length} banner${banners.length === 1 ? '' : 's'}, ${from}.`;
  }
} catch (error) {
  statusLine.textContent = `Could not load the banners: ${error.message}`;
}
