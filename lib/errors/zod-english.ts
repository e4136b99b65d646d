import { en } from 'zod/locales';
import * as z from 'zod/mini';

// zod/mini ships no messages: without a locale every issue reads "Invalid input". The answers and
// errors that quote zod's own messages keep classic zod's English (about 3 KB; all locales are 270).
z.config(en());
