/**
 * Drop a CSV or XLSX file here, or pick one: the button opens the browser's file chooser (Enter or
 * Space), the whole area takes a dropped file. Files of the wrong kind or above the limit are refused
 * before anything is sent.
 */
import { Button, Stack, Text } from '@mantine/core';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from './format';

const ACCEPT =
  '.csv,.tsv,.txt,.xlsx,.json,.ndjson,.jsonl,.xml,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/json,application/x-ndjson,application/xml,text/xml';

export function FileDropzone({
  maxBytes,
  onFile,
  error,
}: {
  maxBytes: number | null;
  onFile: (file: File) => void;
  error?: string | null;
}) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const hintId = useId();

  const take = (file: File | undefined) => {
    if (!file) return;
    if (!/\.(csv|tsv|txt|xlsx)$/i.test(file.name)) {
      setRefusal(t('imports.upload.wrongType', { name: file.name }));
      return;
    }
    if (maxBytes !== null && file.size > maxBytes) {
      setRefusal(t('imports.upload.tooLarge', { name: file.name, limit: formatBytes(maxBytes) }));
      return;
    }
    if (file.size === 0) {
      setRefusal(t('imports.upload.empty', { name: file.name }));
      return;
    }
    setRefusal(null);
    onFile(file);
  };

  const problem = refusal ?? error ?? null;
  return (
    <div
      className="kith-dropzone"
      data-over={over}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        take(event.dataTransfer.files[0]);
      }}
    >
      <Stack align="center" gap="sm">
        <Text fw={600}>{t('imports.upload.drop')}</Text>
        <input
          ref={input}
          type="file"
          accept={ACCEPT}
          hidden
          aria-label={t('imports.upload.choose')}
          data-testid="import-file-input"
          onChange={(event) => {
            take(event.currentTarget.files?.[0]);
            event.currentTarget.value = '';
          }}
        />
        <Button onClick={() => input.current?.click()} aria-describedby={hintId}>
          {t('imports.upload.choose')}
        </Button>
        <Text size="sm" c="dimmed" id={hintId}>
          {maxBytes === null
            ? t('imports.upload.formats')
            : t('imports.upload.limit', { size: formatBytes(maxBytes) })}
        </Text>
        {problem && (
          <Text size="sm" c="red.9" role="alert">
            {problem}
          </Text>
        )}
      </Stack>
    </div>
  );
}
