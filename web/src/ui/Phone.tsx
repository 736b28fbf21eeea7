/**
 * A phone on screen: formatted for reading (phone-format.ts), kept on one line, and, as a link,
 * dialling the stored E.164 number.
 */
import { Anchor } from '@mantine/core';
import { formatPhone } from './phone-format';

export function Phone({ value, link = false }: { value: string; link?: boolean }) {
  const text = formatPhone(value);
  return link ? (
    <Anchor href={`tel:${value}`} inherit className="kith-phone" data-phone={value}>
      {text}
    </Anchor>
  ) : (
    <span className="kith-phone" data-phone={value}>
      {text}
    </span>
  );
}
