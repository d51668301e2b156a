/** zod/mini ships without messages; load the English ones once (a few KB) so problems say what is wrong. */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());
