"""Visit reports: rendering (ReportLab), the organisation's seal (pyHanko PAdES), verification."""
