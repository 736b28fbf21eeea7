/**
 * A date field (`YYYY-MM-DD` in, `YYYY-MM-DD` or '' out) whose calendar speaks the page's language and
 * starts its week as the page's readers expect, wherever the browser's own language differs (a native
 * date input follows the browser: 11/07/2026 on a Chinese page in an English browser). Written as
 * ISO in both languages — unambiguous, and how dates are written in Chinese forms — and typed as well
 * as picked; a date is taken only once typed whole, so a filter is not applied to 2001-02-01 while
 * someone types "2".
 */
import { DateInput, type DateInputProps } from '@mantine/dates';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';
import { parseTypedDate } from './typed-date';

type DateFieldProps = Omit<DateInputProps, 'value' | 'onChange' | 'defaultValue'> & {
  value: string;
  onChange: (value: string) => void;
};

export function DateField({ value, onChange, ...props }: DateFieldProps) {
  const { t, i18n } = useTranslation();
  const chinese = i18n.language.startsWith('zh');
  const locale = chinese ? 'zh-cn' : 'en';
  return (
    <DateInput
      valueFormat="YYYY-MM-DD"
      placeholder={t('common.date.placeholder')}
      locale={locale}
      firstDayOfWeek={chinese ? 1 : 0}
      // Red is for what went wrong, not for Saturdays; the next month's first days, greyed, would be
      // text too faint to read (and to pass the contrast check).
      weekendDays={[]}
      hideOutsideDates
      getDayAriaLabel={(date) =>
        dayjs(date)
          .locale(locale)
          .format(chinese ? 'YYYY年M月D日' : 'D MMMM YYYY')
      }
      // dayjs's Chinese month names read 十一月 2026; a Chinese calendar reads 2026年11月.
      {...(chinese
        ? { monthLabelFormat: 'YYYY年M月', yearLabelFormat: 'YYYY年', monthsListFormat: 'M月' }
        : {})}
      dateParser={parseTypedDate}
      clearable
      clearButtonProps={{ 'aria-label': t('common.date.clear') }}
      ariaLabels={{
        previousMonth: t('common.date.previousMonth'),
        nextMonth: t('common.date.nextMonth'),
        previousYear: t('common.date.previousYear'),
        nextYear: t('common.date.nextYear'),
        previousDecade: t('common.date.previousDecade'),
        nextDecade: t('common.date.nextDecade'),
        monthLevelControl: t('common.date.monthLevel'),
        yearLevelControl: t('common.date.yearLevel'),
      }}
      popoverProps={{ withinPortal: true }}
      {...props}
      value={value ? value.slice(0, 10) : null}
      onChange={(next) => onChange(next ? String(next).slice(0, 10) : '')}
    />
  );
}
