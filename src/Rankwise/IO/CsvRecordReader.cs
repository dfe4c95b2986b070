namespace Rankwise.IO;

/// <summary>
/// An RFC 4180 record reader: fields separated by one delimiter character, records by LF, CRLF or CR; a field
/// starting with <c>"</c> is quoted and may contain delimiters, newlines and doubled quotes (<c>""</c>).
/// Unquoted fields are trimmed of surrounding spaces; characters after a closing quote are kept (lenient).
/// Blank lines are skipped. Whitespace mode (delimiter <c>' '</c>) splits on runs of spaces and tabs, without quoting.
/// Fields are exposed as spans into a reusable buffer, so numeric parsing allocates nothing per cell.
/// </summary>
internal sealed class CsvRecordReader
{
    private enum State { StartField, Unquoted, Quoted, AfterQuote, Between }

    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly bool _whitespace;
    private readonly string _source;
    private readonly char[] _buffer = new char[1 << 15];
    private int _pos, _len;
    private char[] _record = new char[256];
    private int _recordLength;
    private readonly List<(int Start, int Length, bool Quoted)> _fields = [];
    private int _line = 1;

    public CsvRecordReader(TextReader reader, char delimiter, string source)
    {
        _reader = reader;
        _delimiter = delimiter;
        _whitespace = delimiter == ' ';
        _source = source;
    }

    /// <summary>The 1-based line on which the current record starts.</summary>
    public int RecordLine { get; private set; }

    /// <summary>Number of fields in the current record.</summary>
    public int FieldCount => _fields.Count;

    /// <summary>Field <paramref name="i"/> of the current record.</summary>
    public ReadOnlySpan<char> this[int i] => _record.AsSpan(_fields[i].Start, _fields[i].Length);

    /// <summary>Field <paramref name="i"/> as a string.</summary>
    public string GetString(int i) => this[i].ToString();

    /// <summary>All fields of the current record as strings.</summary>
    public string[] GetAll()
    {
        var result = new string[_fields.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = GetString(i);
        return result;
    }

    /// <summary>Advances to the next non-blank record; false at the end of the input.</summary>
    public bool Read()
    {
        while (true)
        {
            if (Peek() < 0)
                return false;
            RecordLine = _line;
            ParseRecord();
            bool blank = _whitespace
                ? _fields.Count == 0
                : _fields.Count == 1 && _fields[0].Length == 0 && !_fields[0].Quoted;
            if (!blank)
                return true;
        }
    }

    private int Peek()
    {
        if (_pos == _len)
        {
            _len = _reader.Read(_buffer, 0, _buffer.Length);
            _pos = 0;
            if (_len <= 0)
            {
                _len = 0;
                return -1;
            }
        }
        return _buffer[_pos];
    }

    private int Next()
    {
        int c = Peek();
        if (c >= 0)
            _pos++;
        return c;
    }

    private void Append(char c)
    {
        if (_recordLength == _record.Length)
        {
            if (_record.Length >= Array.MaxLength / 2)
                throw new RankwiseInputException(_source, $"line {RecordLine}: record too long");
            Array.Resize(ref _record, _record.Length * 2);
        }
        _record[_recordLength++] = c;
    }

    private void EndField(int start, bool quoted)
    {
        int length = _recordLength - start;
        if (!quoted)
        {
            while (length > 0 && _record[start] == ' ') { start++; length--; }
            while (length > 0 && _record[start + length - 1] == ' ') length--;
        }
        _fields.Add((start, length, quoted));
    }

    // Consumes a line terminator whose first character c has already been read; true if c was one.
    private bool LineEnd(int c)
    {
        if (c == '\n')
        {
            _line++;
            return true;
        }
        if (c == '\r')
        {
            if (Peek() == '\n')
                _pos++;
            _line++;
            return true;
        }
        return false;
    }

    private void ParseRecord()
    {
        _fields.Clear();
        _recordLength = 0;
        var state = _whitespace ? State.Between : State.StartField;
        int start = 0;
        bool quoted = false;
        while (true)
        {
            int c = Next();
            switch (state)
            {
                case State.Between:
                    if (c < 0 || LineEnd(c))
                        return;
                    if (c is ' ' or '\t')
                        continue;
                    start = _recordLength;
                    quoted = false;
                    Append((char)c);
                    state = State.Unquoted;
                    continue;

                case State.StartField:
                    start = _recordLength;
                    quoted = false;
                    if (c == '"')
                    {
                        quoted = true;
                        state = State.Quoted;
                        continue;
                    }
                    state = State.Unquoted;
                    goto case State.Unquoted;

                case State.Unquoted:
                    if (c < 0 || LineEnd(c))
                    {
                        EndField(start, quoted);
                        return;
                    }
                    if (_whitespace && c is ' ' or '\t')
                    {
                        EndField(start, quoted);
                        state = State.Between;
                        continue;
                    }
                    if (!_whitespace && c == _delimiter)
                    {
                        EndField(start, quoted);
                        state = State.StartField;
                        continue;
                    }
                    Append((char)c);
                    continue;

                case State.Quoted:
                    if (c < 0)
                        throw new RankwiseInputException(_source, $"line {RecordLine}: unterminated quoted field (missing closing '\"')");
                    if (c == '"')
                    {
                        if (Peek() == '"')
                        {
                            _pos++;
                            Append('"');
                        }
                        else
                            state = State.AfterQuote;
                        continue;
                    }
                    if (c == '\n' || (c == '\r' && Peek() != '\n'))
                        _line++;
                    Append((char)c);
                    continue;

                case State.AfterQuote:
                    if (c < 0 || LineEnd(c))
                    {
                        EndField(start, quoted);
                        return;
                    }
                    if (c == _delimiter)
                    {
                        EndField(start, quoted);
                        state = State.StartField;
                        continue;
                    }
                    if (c != ' ')
                        Append((char)c);
                    continue;
            }
        }
    }
}
