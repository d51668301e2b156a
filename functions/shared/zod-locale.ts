/** zod/mini ships without messages; load the English ones once (a few KB) so problems say what is wrong. */

import { en } from 'zod/locales';
import * as z from 'zod/mini';

z.config(en());
